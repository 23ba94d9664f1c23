import type { ObjectStore } from '../store/port.ts';
import { siteSnapshotsPrefix, snapshotFiles } from './layout.ts';
import type { Manifest } from './manifest.ts';
import { readManifestAt } from './read-snapshot.ts';

const RUN_MANIFEST = new RegExp(`/run=(\\d{8}T\\d{6}Z)/${snapshotFiles.manifest.replace('.', '\\.')}$`);

export interface StoredRun {
  readonly runId: string;
  readonly manifestKey: string;
}

/** Every run of the site that has a manifest, oldest first (run ids sort as their times). */
export async function listRuns(store: ObjectStore, site: string): Promise<StoredRun[]> {
  const runs: StoredRun[] = [];
  for await (const key of store.list(siteSnapshotsPrefix(site))) {
    const runId = RUN_MANIFEST.exec(key)?.[1];
    if (runId) runs.push({ runId, manifestKey: key });
  }
  return runs.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

/**
 * The newest complete run strictly before `runId`, walking back one manifest at a time (most
 * sites have one run a night, so this is usually a single read).
 */
export async function previousCompleteRun(
  store: ObjectStore,
  runs: readonly StoredRun[],
  runId: string,
): Promise<{ run: StoredRun; manifest: Manifest } | undefined> {
  for (let index = runs.length - 1; index >= 0; index--) {
    const run = runs[index] as StoredRun;
    if (run.runId >= runId) continue;
    const manifest = await readManifestAt(store, run.manifestKey);
    if (manifest?.status === 'complete') return { run, manifest };
  }
  return undefined;
}
