import { siteSnapshotsPrefix } from '../snapshot/layout.ts';
import { listRuns, previousCompleteRun, type StoredRun } from '../snapshot/list-runs.ts';
import { readLatest, readManifestAt } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { describeRunName, type RunName } from './run-name.ts';

export type ResolvedRun =
  | { readonly status: 'resolved'; readonly runId: string }
  | { readonly status: 'missing'; readonly reason: string };

/**
 * The run a name stands for on one site. A run id is taken as it is (each command says what
 * exists when it has no such run); `latest`, `previous` and a date read latest.json and as few
 * manifests as they need.
 */
export async function resolveRun(store: ObjectStore, site: string, name: RunName): Promise<ResolvedRun> {
  if (name.kind === 'id') return { status: 'resolved', runId: name.runId };
  const latest = await readLatest(store, site);
  const listHint = `\`rollcall runs --site ${site}\` lists its runs`;
  if (name.kind === 'latest' || name.kind === 'previous') {
    if (latest === undefined)
      return missing(`site ${site} has no complete run yet, so there is no ${name.kind} run; ${listHint}.`);
    if (name.kind === 'latest') return { status: 'resolved', runId: latest.runId };
    const previous = await previousCompleteRun(store, await listRuns(store, site), latest.runId);
    return previous === undefined
      ? missing(
          `site ${site} has one complete run, ${latest.runId} (latest), and none before it, so there is no previous run; ${listHint}.`,
        )
      : { status: 'resolved', runId: previous.run.runId };
  }
  const ofDay = await runsOfDay(store, site, name.date);
  for (const run of [...ofDay].reverse()) {
    const manifest = await readManifestAt(store, run.manifestKey).catch(() => undefined);
    if (manifest?.status === 'complete') return { status: 'resolved', runId: run.runId };
  }
  const latestPart = latest === undefined ? '' : ` (the latest complete run is ${latest.runId})`;
  return missing(
    ofDay.length === 0
      ? `site ${site} has no run on ${name.date}${latestPart}; ${listHint}.`
      : `site ${site} has no complete run on ${name.date}, only ${ofDay.map((run) => run.runId).join(', ')}, so there is no ${describeRunName(name)}; name one of those by its id${latestPart}, or see ${listHint}.`,
  );
}

/** The runs of one UTC day that have a manifest, oldest first: a listing of that day's folder only. */
async function runsOfDay(store: ObjectStore, site: string, date: string): Promise<StoredRun[]> {
  const prefix = `${siteSnapshotsPrefix(site)}date=${date}/`;
  const manifest = /^run=(\d{8}T\d{6}Z)\/manifest\.json$/;
  const runs: StoredRun[] = [];
  for await (const key of store.list(prefix)) {
    const runId = manifest.exec(key.slice(prefix.length))?.[1];
    if (runId) runs.push({ runId, manifestKey: key });
  }
  return runs.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

function missing(reason: string): ResolvedRun {
  return { status: 'missing', reason };
}
