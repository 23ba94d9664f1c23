import * as z from 'zod';
import { runCheckpointKey, runPartKey } from '../../snapshot/layout.ts';
import type { ObjectStore } from '../../store/port.ts';

/** Of a left-over checkpoint only how many parts it lists counts; their keys follow from the run. */
const leftOverCheckpoint = z.object({ parts: z.array(z.unknown()) });

/**
 * Removes a run's checkpoint and parts: once its snapshot is written, after a failure that a
 * retry cannot cure, and when an export finds its run already complete — left over by an export
 * stopped between its manifest and its clean-up (a killed process, a Lambda that timed out), or
 * in the middle of that clean-up. Best effort: what stays expires with `work/`. The lease stays:
 * it is its holder's. Reads and deletes only keys an export already reads and deletes (no
 * listing), so it needs no permission the export does not have.
 */
export async function removeRunWork(store: ObjectStore, site: string, runId: string): Promise<void> {
  const { remove } = store;
  if (remove === undefined) return;
  try {
    const checkpointKey = runCheckpointKey(site, runId);
    const body = await store.get(checkpointKey);
    let last: number;
    if (body === undefined) {
      last = await lastPartLeft(store, site, runId);
    } else {
      const checkpoint = leftOverCheckpoint.safeParse(JSON.parse(body.toString('utf8')));
      // One past the last part listed: a part written just before the crash, which no checkpoint lists.
      last = checkpoint.success ? checkpoint.data.parts.length : 0;
      // The checkpoint first, so that nothing resumes a run whose parts are going.
      await remove.call(store, checkpointKey);
    }
    // From the last part down: a removal stopped half-way leaves parts 0 to k, which the next
    // export finds without the checkpoint (lastPartLeft), so every attempt gets further.
    for (let part = last; part >= 0; part--) await remove.call(store, runPartKey(site, runId, part));
  } catch {
    // Left-over work costs storage, not correctness: nothing resumes a run without its checkpoint.
  }
}

/** The highest of the parts 0, 1, 2… still there in a row, or -1 when part 0 is gone. */
async function lastPartLeft(store: ObjectStore, site: string, runId: string): Promise<number> {
  let part = 0;
  while (await exists(store, runPartKey(site, runId, part))) part++;
  return part - 1;
}

/** Whether an object is there, without reading the megabytes of a part to find out. */
async function exists(store: ObjectStore, key: string): Promise<boolean> {
  const body = await store.openRead(key);
  body?.destroy();
  return body !== undefined;
}
