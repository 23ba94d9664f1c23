import { byMostChanged } from './membership-changes.ts';
import type { MembershipChange, MembershipTally, SnapshotDiff, UserChange, UserRef } from './model.ts';
import type { DiffOutcome, DiffSink } from './user-differ.ts';

/**
 * A diff sink that keeps every change in memory, for the `diff` command, which prints them all:
 * its memory grows with the changes, never with the snapshots.
 */
export interface CollectedDiff extends DiffSink {
  /** The whole diff, once the walk is over. */
  diff(outcome: DiffOutcome): SnapshotDiff;
}

export function collectDiff(): CollectedDiff {
  const added: UserRef[] = [];
  const removed: UserRef[] = [];
  const changed: UserChange[] = [];
  const gained: MembershipChange[] = [];
  const lost: MembershipChange[] = [];
  const byUser: MembershipTally[] = [];
  return {
    added: (user) => added.push(user),
    removed: (user) => removed.push(user),
    changed: (change) => changed.push(change),
    gained: (change) => gained.push(change),
    lost: (change) => lost.push(change),
    userTally: (tally) => byUser.push(tally),
    diff: (outcome) => ({
      fromRunId: outcome.fromRunId,
      toRunId: outcome.toRunId,
      users: { added, removed, changed, activity: outcome.users.activity },
      groups: outcome.groups,
      memberships: { gained, lost, byUser: byUser.sort(byMostChanged), byGroup: outcome.memberships.byGroup },
      verdict: outcome.verdict,
    }),
  };
}
