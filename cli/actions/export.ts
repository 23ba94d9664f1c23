import type { Command } from 'commander';
import type { SiteConfig } from '../../functions/config/schema.ts';
import type { SiteExportResult } from '../../functions/export/export-site.ts';
import { type ExportRunResult, exportSites } from '../../functions/export/export-sites.ts';
import type { SliceOutcome } from '../../functions/export/export-slice.ts';
import { selectSites } from '../../functions/export/prepare-sites.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { type CliClients, type CommandContext, createContext } from '../context.ts';
import { formatSeconds, renderTable, toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import {
  type GlobalOptions,
  parseAsOf,
  parseCheckpointSeconds,
  parseSliceSeconds,
  parseSpill,
} from '../options.ts';
import { progressReporter } from '../progress.ts';

export interface ExportOptions extends GlobalOptions {
  site: string[];
  store?: string;
  asOf?: string;
  spillDir?: string;
  sortMemory?: string;
  restart?: boolean;
  sliceSeconds?: string;
  checkpointSeconds?: string;
}

/** What `rollcall export` does once commander has read its flags. */
export async function exportAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<ExportOptions>();
  const context = await createContext(options.config, io, clients);
  const run = await exportSelectedSites(options, context, io, clients);
  if (options.json) io.stdout.write(toJson(run));
  setExit(run.ok ? exitCodes.ok : exitCodes.siteFailed);
}

/** Exports the sites the flags select and, unless `--json`, prints the run for people. */
export async function exportSelectedSites(
  options: ExportOptions,
  context: CommandContext,
  io: CliIo,
  clients: CliClients,
): Promise<ExportRunResult> {
  const sites = selectSites(context.loaded.config, options.site, context.configName);
  const scheduledAt = parseAsOf(options.asOf, systemClock);
  const store = context.store(options.store);
  const spill = parseSpill(options.spillDir, options.sortMemory, io.cwd);
  const sliceSeconds = parseSliceSeconds(options.sliceSeconds);
  const checkpointSeconds = parseCheckpointSeconds(options.checkpointSeconds);
  const deps = {
    store,
    ...(clients.fetch === undefined ? {} : { fetch: clients.fetch }),
    clock: systemClock,
    toolVersion: TOOL_VERSION,
    ...(clients.sleep === undefined ? {} : { sleep: clients.sleep }),
    progress: progressReporter(io, !options.json),
    ...(spill === undefined ? {} : { spill }),
    ...(checkpointSeconds === undefined ? {} : { checkpointEvery: { ms: checkpointSeconds * 1000 } }),
  };
  const exportRun = (interrupt: AbortSignal | undefined) =>
    context.inConfigFile(
      exportInSlices(sliceSeconds, (selected, restart) =>
        exportSites(selected, scheduledAt, context.credentialSources, {
          ...deps,
          ...(interrupt === undefined ? {} : { interrupt }),
          ...(restart ? { restart } : {}),
          ...(sliceSeconds === undefined ? {} : { slice: sliceBudget(sliceSeconds) }),
        }),
      )(sites, options.restart === true),
    );
  const run = await (clients.interrupts?.during(exportRun) ?? exportRun(undefined));
  if (!options.json) printRun(io, run.runId, run.scheduledAt, run.sites, options.debug === true);
  const exported = new Set(run.sites.map((result) => result.site));
  const notStarted = sites.filter((site) => !exported.has(site.id)).map((site) => site.id);
  if (notStarted.length > 0)
    io.stderr.write(`rollcall: not started, because of the interrupt: ${notStarted.join(', ')}\n`);
  return run;
}

/**
 * With `--slice-seconds`, each site's export is cut into slices as the deployed stack cuts it:
 * the sites still in progress are exported again until none is. Each site keeps what its first
 * slice said about the checkpoint it found.
 */
function exportInSlices(
  sliceSeconds: number | undefined,
  exportSlice: (sites: readonly SiteConfig[], restart: boolean) => Promise<ExportRunResult>,
) {
  return async (sites: readonly SiteConfig[], restart: boolean): Promise<ExportRunResult> => {
    const first = await exportSlice(sites, restart);
    if (sliceSeconds === undefined) return first;
    const results = new Map(first.sites.map((result) => [result.site, result]));
    for (;;) {
      const pending = sites.filter((site) => {
        const result = results.get(site.id);
        return result?.status === 'in-progress' && !result.interrupted;
      });
      if (pending.length === 0) break;
      for (const result of (await exportSlice(pending, false)).sites) {
        const earlier = results.get(result.site);
        results.set(result.site, withFirstNotes(result, earlier));
      }
    }
    const all = first.sites.map((result) => results.get(result.site) ?? result);
    return { ...first, sites: all, ok: all.every((result) => result.status === 'complete') };
  };
}

/** The later slice's result, with what the first slice said about the checkpoint it found. */
function withFirstNotes(result: SiteExportResult, first: SiteExportResult | undefined): SiteExportResult {
  if (result.status === 'failed' || first === undefined || first.status === 'failed') return result;
  const { resumedAt: _resumedAt, checkpointWarning: _warning, replayed: _replayed, ...rest } = result;
  return {
    ...rest,
    ...(first.resumedAt === undefined ? {} : { resumedAt: first.resumedAt }),
    ...(first.checkpointWarning === undefined ? {} : { checkpointWarning: first.checkpointWarning }),
    ...(first.replayed === undefined ? {} : { replayed: first.replayed }),
  } as SiteExportResult;
}

/** "slice 3; 1,203 answers replayed in 4.1 s". */
function resumeCost(result: {
  readonly slices: number;
  readonly replayed?: SliceOutcome['replayed'];
}): string {
  const { replayed } = result;
  if (replayed === undefined) return `slice ${result.slices}`;
  const answers = `${replayed.answers.toLocaleString('en-US')} answer${replayed.answers === 1 ? '' : 's'}`;
  return `slice ${result.slices}; ${answers} replayed in ${formatSeconds(replayed.seconds)}`;
}

/** A budget of `seconds` from now, by the wall clock. */
function sliceBudget(seconds: number): { remainingMs(): number } {
  const deadline = Date.now() + seconds * 1000;
  return { remainingMs: () => deadline - Date.now() };
}

function printRun(
  io: CliIo,
  runId: string,
  scheduledAt: string,
  results: readonly SiteExportResult[],
  debug: boolean,
) {
  io.stdout.write(`rollcall export · run ${runId} (scheduled ${scheduledAt})\n\n`);
  const rows = results.map((result) => {
    if (result.status === 'failed')
      return [result.site, result.provider, 'FAILED', '-', '-', '-', '-', '-', formatSeconds(result.seconds)];
    if (result.status === 'in-progress')
      return [
        result.site,
        result.provider,
        'in progress',
        '-',
        '-',
        '-',
        '-',
        '-',
        formatSeconds(result.seconds),
      ];
    const listings = Object.values(result.source);
    return [
      result.site,
      result.provider,
      result.status,
      result.counts.users,
      result.counts.groups,
      result.counts.memberships,
      listings.reduce((sum, listing) => sum + listing.pages, 0),
      listings.reduce((sum, listing) => sum + listing.retries, 0),
      formatSeconds(result.seconds),
    ];
  });
  io.stdout.write(
    `${renderTable(['site', 'provider', 'status', 'users', 'groups', 'memberships', 'pages', 'retries', 'time'], rows)}\n\n`,
  );
  for (const result of results) {
    if (result.status !== 'failed' && result.resumedAt !== undefined)
      io.stdout.write(`${result.site}: resumed at ${result.resumedAt} (${resumeCost(result)})\n`);
    if (result.status !== 'failed' && result.checkpointWarning !== undefined)
      io.stderr.write(
        `${result.site}: warning — ${result.checkpointWarning}; the export started again from the beginning\n`,
      );
    if (result.status === 'in-progress') {
      const why = result.interrupted ? 'when interrupted' : 'when its time ran out';
      io.stderr.write(
        `${result.site}: IN PROGRESS — stopped at ${result.progress} ${why}; run the same command again to go on from there.\n`,
      );
    } else if (result.status === 'failed') {
      io.stderr.write(`${result.site}: FAILED — ${result.reason}\n`);
      if (debug && result.error instanceof Error && result.error.stack)
        io.stderr.write(`${result.error.stack}\n`);
    } else if (result.status === 'complete') {
      const note = result.alreadyComplete
        ? ' (this run was already complete: nothing was read or written again)'
        : '';
      io.stdout.write(`${result.site}: complete${note} — ${result.manifestLocation}\n`);
      if (result.latestWarning) io.stderr.write(`${result.site}: warning — ${result.latestWarning}\n`);
    } else {
      io.stderr.write(
        `${result.site}: INCOMPLETE — ${result.reason ?? 'see the manifest'}\n  The files are kept for inspection at ${result.manifestLocation}; latest.json still points at the previous complete run.\n`,
      );
    }
  }
}
