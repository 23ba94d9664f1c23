import * as z from 'zod';
import { runCheckpointKey, runPartKey } from '../snapshot/layout.ts';
import type { ObjectStore } from '../store/port.ts';

/** Of a left-over checkpoint only how many parts it lists counts; their keys follow from the run. */
const leftOverCheckpoint = z.object({ parts: z.array(z.unknown()) });

/**
 * Removes what an export left under a run's working prefix after the run's snapshot was written
 * complete: its checkpoint and parts, when that export stopped between its manifest and the
 * clean-up that follows (a killed process, a Lambda that timed out). Once the run is complete
 * and verified nothing resumes them; only latest.json was still to move. Best effort, like the
 * clean-up it stands in for: what stays expires with `work/`. The lease stays: it is its
 * holder's, and lapses by itself. Reads and deletes only keys an export already reads and
 * deletes (no listing), so it needs no permission the export does not have.
 */
export async function removeFinishedRunWork(store: ObjectStore, site: string, runId: string): Promise<void> {
  const { remove } = store;
  if (remove === undefined) return;
  const checkpointKey = runCheckpointKey(site, runId);
  try {
    const body = await store.get(checkpointKey);
    if (body === undefined) return;
    const checkpoint = leftOverCheckpoint.safeParse(JSON.parse(body.toString('utf8')));
    const listed = checkpoint.success ? checkpoint.data.parts.length : 0;
    // The checkpoint first: an export stopped again in the middle of this leaves only parts no
    // checkpoint names (they expire with work/), and the next one has nothing to redo here.
    await remove.call(store, checkpointKey);
    // One past the last part listed: a part written just before the crash, which no checkpoint lists.
    for (let part = 0; part <= listed; part++) await remove.call(store, runPartKey(site, runId, part));
  } catch {
    // The snapshot is complete and latest.json moved: left-over work costs storage, not correctness.
  }
}
