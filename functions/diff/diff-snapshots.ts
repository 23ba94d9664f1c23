import { diffGroups, groupNamesOf } from './group-changes.ts';
import { massChangeVerdict } from './mass-change.ts';
import { distinctSortedGroups, membershipLedger } from './membership-changes.ts';
import type { DiffSide, MassChangeThreshold, SnapshotDiff, UserChange, UserRef } from './model.ts';
import { mergeByKey } from './sorted-merge.ts';
import { lastLoginMoved, userFieldChanges, userRef } from './user-changes.ts';

/**
 * What changed between two snapshots of a site, and whether the losses look like an accident or
 * a truncated export. Pure: both sides are in memory, sorted by key, and are only read.
 *
 * Memberships are derived from the users' `groups` alone (as memberships.csv is), so a removed
 * group's memberships are lost exactly when its members no longer list it.
 */
export function diffSnapshots(from: DiffSide, to: DiffSide, threshold: MassChangeThreshold): SnapshotDiff {
  const groups = diffGroups(from, to);
  const memberships = membershipLedger(groupNamesOf(from.groups), groupNamesOf(to.groups));
  const added: UserRef[] = [];
  const removed: UserRef[] = [];
  const changed: UserChange[] = [];
  let activity = 0;

  mergeByKey(
    from.users,
    to.users,
    { records: 'users', beforeRun: from.runId, afterRun: to.runId },
    {
      onlyBefore(user) {
        removed.push(userRef(user, distinctSortedGroups(user.groups)));
        memberships.user(user, undefined);
      },
      onlyAfter(user) {
        added.push(userRef(user, distinctSortedGroups(user.groups)));
        memberships.user(undefined, user);
      },
      both(before, after) {
        if (lastLoginMoved(before, after)) activity++;
        const changes = userFieldChanges(before, after);
        if (changes.length > 0) {
          // Fall back to the old address when the new side has none, so the row still names someone.
          const email = after.email ?? before.email;
          changed.push(
            email === undefined ? { key: after.key, changes } : { key: after.key, email, changes },
          );
        }
        memberships.user(before, after);
      },
    },
  );

  const { memberships: membershipDiff, previousMemberships } = memberships.result();
  return {
    fromRunId: from.runId,
    toRunId: to.runId,
    users: { added, removed, changed, activity },
    groups,
    memberships: membershipDiff,
    verdict: massChangeVerdict(
      {
        removedUsers: removed.length,
        previousUsers: from.users.length,
        lostMemberships: membershipDiff.lost.length,
        previousMemberships,
      },
      threshold,
    ),
  };
}
