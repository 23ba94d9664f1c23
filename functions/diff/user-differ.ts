import type { AuditedUser } from '../audit/model.ts';
import { diffGroups, groupNamesOf } from './group-changes.ts';
import { massChangeVerdict } from './mass-change.ts';
import { distinctSortedGroups, type MembershipSink, membershipLedger } from './membership-changes.ts';
import type {
  DiffedGroup,
  MassChangeThreshold,
  MassChangeVerdict,
  MembershipTally,
  SnapshotDiff,
  UserChange,
  UserRef,
} from './model.ts';
import { lastLoginMoved, userFieldChanges, userRef } from './user-changes.ts';

/** Where a diff puts each change as it is found: users and memberships in key order. */
export interface DiffSink extends MembershipSink {
  added(user: UserRef): void;
  removed(user: UserRef): void;
  changed(change: UserChange): void;
}

/** One side of a diff as the differ needs it up front: its groups (few) and its run. */
export interface DiffSideGroups {
  readonly runId: string;
  readonly groups: readonly DiffedGroup[];
}

/** Everything about a diff that is not a per-user list: counts, groups, per-group tallies, verdict. */
export interface DiffOutcome {
  readonly fromRunId: string;
  readonly toRunId: string;
  readonly users: {
    readonly added: number;
    readonly removed: number;
    readonly changed: number;
    readonly activity: number;
  };
  /** In full: groups are few. */
  readonly groups: SnapshotDiff['groups'];
  readonly memberships: {
    readonly gained: number;
    readonly lost: number;
    readonly byGroup: readonly MembershipTally[];
  };
  readonly verdict: MassChangeVerdict;
}

export interface UserDiffer {
  /**
   * One key of the walk: `before` is absent for an added user, `after` for a removed one. Keys
   * must come in order (see `walkByKey`): every list comes out sorted by user key.
   */
  step(before: AuditedUser | undefined, after: AuditedUser | undefined): void;
  finish(): DiffOutcome;
}

/**
 * What changed between two snapshots, one user at a time, and whether the losses look like an
 * accident or a truncated export. Memberships are derived from the users' `groups` alone (as
 * memberships.csv is), so a removed group's memberships are lost exactly when its members no
 * longer list it.
 */
export function userDiffer(
  from: DiffSideGroups,
  to: DiffSideGroups,
  threshold: MassChangeThreshold,
  sink: DiffSink,
): UserDiffer {
  const memberships = membershipLedger(groupNamesOf(from.groups), groupNamesOf(to.groups), sink);
  let added = 0;
  let removed = 0;
  let changed = 0;
  let activity = 0;
  let previousUsers = 0;

  return {
    step(before, after) {
      if (before === undefined) {
        if (after === undefined) return;
        added++;
        sink.added(userRef(after, distinctSortedGroups(after.groups)));
      } else if (after === undefined) {
        removed++;
        previousUsers++;
        sink.removed(userRef(before, distinctSortedGroups(before.groups)));
      } else {
        previousUsers++;
        if (lastLoginMoved(before, after)) activity++;
        const changes = userFieldChanges(before, after);
        if (changes.length > 0) {
          changed++;
          // Fall back to the old address when the new side has none, so the row still names someone.
          const email = after.email ?? before.email;
          sink.changed(
            email === undefined ? { key: after.key, changes } : { key: after.key, email, changes },
          );
        }
      }
      memberships.user(before, after);
    },

    finish() {
      const ledger = memberships.result();
      return {
        fromRunId: from.runId,
        toRunId: to.runId,
        users: { added, removed, changed, activity },
        groups: diffGroups(from, to),
        memberships: { gained: ledger.gained, lost: ledger.lost, byGroup: ledger.byGroup },
        verdict: massChangeVerdict(
          {
            removedUsers: removed,
            previousUsers,
            lostMemberships: ledger.lost,
            previousMemberships: ledger.previousMemberships,
          },
          threshold,
        ),
      };
    },
  };
}
