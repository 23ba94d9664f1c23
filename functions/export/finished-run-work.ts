import { runLeaseKey, runWorkPrefix } from '../snapshot/layout.ts';
import type { ObjectStore } from '../store/port.ts';

/**
 * Removes what an export left under a run's working prefix after the run's snapshot was written
 * complete: its checkpoint and parts, when that export stopped between its manifest and the
 * clean-up that follows (a killed process, a Lambda that timed out). Once the run is complete
 * and verified nothing resumes them; only latest.json was still to move. Best effort, like the
 * clean-up it stands in for: what stays expires with `work/`. The lease stays: it is its
 * holder's, and lapses by itself.
 */
export async function removeFinishedRunWork(store: ObjectStore, site: string, runId: string): Promise<void> {
  const { remove } = store;
  if (remove === undefined) return;
  const lease = runLeaseKey(site, runId);
  try {
    const left: string[] = [];
    for await (const key of store.list(runWorkPrefix(site, runId))) if (key !== lease) left.push(key);
    for (const key of left) await remove.call(store, key);
  } catch {
    // The snapshot is complete and latest.json moved: left-over work costs storage, not correctness.
  }
}
