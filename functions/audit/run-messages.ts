import { siteSnapshotsPrefix } from '../snapshot/layout.ts';
import type { StoredRun } from '../snapshot/list-runs.ts';
import { readManifestAt } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';

/** How many of the newest runs a "what exists" message lists. */
const RUNS_LISTED = 5;

/** "20261121T020000Z (complete), 20261122T020000Z (incomplete)" for the newest few runs. */
export async function describeRuns(store: ObjectStore, runs: readonly StoredRun[]): Promise<string> {
  const newest = runs.slice(-RUNS_LISTED);
  const described = await Promise.all(
    newest.map(async (run) => {
      const manifest = await readManifestAt(store, run.manifestKey).catch(() => undefined);
      return `${run.runId} (${manifest?.status ?? 'unreadable manifest'})`;
    }),
  );
  const more = runs.length > newest.length ? `${runs.length - newest.length} older runs and ` : '';
  return `${more}${described.join(', ')}`;
}

export async function noCompleteRunReason(
  store: ObjectStore,
  site: string,
  runs: readonly StoredRun[],
): Promise<string> {
  // The folder itself (a key cannot end in '/').
  const where = store.locate(siteSnapshotsPrefix(site).slice(0, -1));
  if (runs.length === 0)
    return `site ${site} has no snapshot in ${where}: run "rollcall export --site ${site}" first.`;
  return `site ${site} has no complete snapshot in ${where}; it has ${await describeRuns(store, runs)}. Audit one of them with --run RUN --allow-incomplete, or export again.`;
}

export function missingRunReason(
  site: string,
  runId: string,
  described: string,
  latestRunId: string | undefined,
): string {
  const runsPart = described === '' ? 'it has no runs' : `its runs are ${described}`;
  const latestPart = latestRunId ? `; the latest complete one is ${latestRunId}` : '';
  return `site ${site} has no run ${runId}: ${runsPart}${latestPart}.`;
}
