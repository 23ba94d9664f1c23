import { scheduledAtOf } from '../snapshot/layout.ts';
import type { StoredRun } from '../snapshot/list-runs.ts';
import { readManifestAt } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { DAY_MS } from './days.ts';

/** The snapshot first-seen dates come from, and the date it stands for. */
export interface FirstSeenRun {
  readonly run: StoredRun;
  /** Its scheduled time, ISO: "in the store since at least". */
  readonly at: string;
}

/**
 * Which stored snapshot tells when never-logged-in users without a created date were first seen,
 * as far as the rule needs it: a user is past the grace period exactly when a complete snapshot
 * older than the grace period contains them. Only the newest such snapshot is read (one snapshot,
 * not the whole history), beside this run and the previous one in the same walk; a user deleted
 * and re-created since then counts as new, which is what an auditor expects of a new account.
 */
export async function firstSeenRun(
  store: ObjectStore,
  runs: readonly StoredRun[],
  scheduledAt: Date,
  graceDays: number,
): Promise<FirstSeenRun | undefined> {
  const cutoff = scheduledAt.getTime() - graceDays * DAY_MS;
  for (let index = runs.length - 1; index >= 0; index--) {
    const run = runs[index] as StoredRun;
    const runAt = scheduledAtOf(run.runId);
    if (runAt.getTime() >= cutoff) continue;
    const manifest = await readManifestAt(store, run.manifestKey);
    if (manifest?.status !== 'complete') continue;
    return { run, at: runAt.toISOString() };
  }
  return undefined;
}
