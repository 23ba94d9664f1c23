import type { AuditedUser } from '../../functions/audit/model.ts';
import { collectDiff } from '../../functions/diff/collect-diff.ts';
import type { DiffedGroup, MassChangeThreshold, SnapshotDiff } from '../../functions/diff/model.ts';
import { mergeByKey } from '../../functions/diff/sorted-merge.ts';
import { userDiffer } from '../../functions/diff/user-differ.ts';

/** One side of a diff held in memory: users and groups sorted by key. */
export interface DiffSide {
  readonly runId: string;
  readonly users: readonly AuditedUser[];
  readonly groups: readonly DiffedGroup[];
}

/**
 * The diff of two snapshots held in memory: the audit's per-user differ driven over two sorted
 * lists (the same merge, in memory), with every change collected.
 */
export function diffSnapshots(from: DiffSide, to: DiffSide, threshold: MassChangeThreshold): SnapshotDiff {
  const collected = collectDiff();
  const differ = userDiffer(from, to, threshold, collected);
  mergeByKey(
    from.users,
    to.users,
    { records: 'users', beforeRun: from.runId, afterRun: to.runId },
    {
      onlyBefore: (user) => differ.step(user, undefined),
      onlyAfter: (user) => differ.step(undefined, user),
      both: (before, after) => differ.step(before, after),
    },
  );
  return collected.diff(differ.finish());
}
