import type { Command } from 'commander';
import { selectSite } from '../../functions/export/prepare-sites.ts';
import { listSiteRuns, type SiteRun, type SiteRuns } from '../../functions/runs/site-runs.ts';
import { siteSnapshotsPrefix } from '../../functions/snapshot/layout.ts';
import { type CliClients, createContext } from '../context.ts';
import { renderTable, toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import type { GlobalOptions } from '../options.ts';

interface RunsOptions extends GlobalOptions {
  site: string;
  store?: string;
}

/** What `rollcall runs` does once commander has read its flags. */
export async function runsAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<RunsOptions>();
  const context = await createContext(options.config, io, clients);
  const site = selectSite(context.loaded.config, options.site, context.configName);
  const store = context.store(options.store);
  const runs = await listSiteRuns(store, site.id);
  if (options.json) io.stdout.write(toJson(runs));
  // The site's folder itself (a key cannot end in '/').
  else printRuns(io, runs, store.locate(siteSnapshotsPrefix(site.id).slice(0, -1)));
  setExit(exitCodes.ok);
}

function printRuns(io: CliIo, { site, latestRunId, runs }: SiteRuns, where: string): void {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  if (runs.length === 0) {
    out(`rollcall runs · site ${site} · no runs in ${where}`);
    out(`Export one with: rollcall export --site ${site}`);
    return;
  }
  const latest = latestRunId === null ? 'no complete run yet' : `latest: ${latestRunId}`;
  out(`rollcall runs · site ${site} · ${runs.length} run${runs.length === 1 ? '' : 's'} · ${latest}`);
  out();
  out(
    renderTable(
      [
        'run',
        'scheduled',
        'status',
        'users',
        'groups',
        'memberships',
        'audited',
        'FAIL high',
        'medium',
        'low',
        '',
      ],
      runs.map(row),
      [3, 4, 5, 7, 8, 9],
    ),
  );
  const explained = runs.filter((run) => run.reason !== undefined && run.status !== 'complete');
  if (explained.length > 0) out();
  for (const run of explained) out(`${run.runId}: ${run.status} — ${run.reason}`);
  out();
  out(
    'Name a run as latest, previous, a date (2026-11-21: that day’s last complete run) or its id, e.g. rollcall audit --site ' +
      `${site} --run previous.`,
  );
}

function row(run: SiteRun): (string | number)[] {
  const dash = '-';
  return [
    run.runId,
    run.scheduledAt.slice(0, 19).replace('T', ' '),
    run.status,
    run.counts?.users ?? dash,
    run.counts?.groups ?? dash,
    run.counts?.memberships ?? dash,
    run.audited ? 'yes' : 'no',
    run.fails?.high ?? dash,
    run.fails?.medium ?? dash,
    run.fails?.low ?? dash,
    run.latest ? '← latest.json' : '',
  ];
}
