import type { AuditedUser } from '../audit/model.ts';
import { compareKeys } from '../shared/model.ts';
import type { MembershipChange, MembershipTally } from './model.ts';

/** What the membership comparison reads of a user. */
export type MembershipHolder = Pick<AuditedUser, 'key' | 'email' | 'groups'>;

/**
 * A user's group keys, distinct and in key order. Snapshots already store them so, and then the
 * array itself is returned: checking is one pass, copying 200,000 arrays every night is not.
 */
export function distinctSortedGroups(groups: readonly string[]): readonly string[] {
  for (let i = 1; i < groups.length; i++) {
    if (compareKeys(groups[i - 1] as string, groups[i] as string) >= 0) {
      return [...new Set(groups)].sort(compareKeys);
    }
  }
  return groups;
}

/** Where a membership comparison puts what it finds, as it finds it (user by user, in key order). */
export interface MembershipSink {
  gained(change: MembershipChange): void;
  lost(change: MembershipChange): void;
  /** One user's gains and losses, when they have any. */
  userTally(tally: MembershipTally): void;
}

/** Compares memberships user by user, and tallies them per group (groups are few: they stay in memory). */
export interface MembershipLedger {
  /**
   * Compares one user's groups; `before` is absent for an added user, `after` for a removed one
   * (so all their memberships count). Users must come in key order: the changes come out sorted
   * by user key then group key without a sort.
   */
  user(before: MembershipHolder | undefined, after: MembershipHolder | undefined): void;
  result(): MembershipLedgerResult;
}

export interface MembershipLedgerResult {
  readonly gained: number;
  readonly lost: number;
  /** Most changed first. */
  readonly byGroup: readonly MembershipTally[];
  /** Distinct (user, group) pairs on the old side: what the mass-change threshold is a share of. */
  readonly previousMemberships: number;
}

interface Counts {
  gained: number;
  lost: number;
}

const NO_GROUPS: readonly string[] = Object.freeze([]);

/**
 * Group names come from the side where the group exists — the new side for a gain, the old side
 * for a loss (a removed group has a name only there) — and fall back to the key for a group that
 * neither side lists, so a membership is never dropped for want of a label.
 */
export function membershipLedger(
  fromGroupNames: ReadonlyMap<string, string>,
  toGroupNames: ReadonlyMap<string, string>,
  sink: MembershipSink,
): MembershipLedger {
  const byGroup = new Map<string, Counts>();
  let previousMemberships = 0;
  let gainedTotal = 0;
  let lostTotal = 0;

  const countGroup = (groupKey: string): Counts => {
    let counts = byGroup.get(groupKey);
    if (counts === undefined) {
      counts = { gained: 0, lost: 0 };
      byGroup.set(groupKey, counts);
    }
    return counts;
  };

  return {
    user(before, after) {
      const was = before === undefined ? NO_GROUPS : distinctSortedGroups(before.groups);
      const is = after === undefined ? NO_GROUPS : distinctSortedGroups(after.groups);
      previousMemberships += was.length;
      if (sameKeys(was, is)) return;
      const key = after?.key ?? before?.key ?? '';
      const counts: Counts = { gained: 0, lost: 0 };
      let i = 0;
      let j = 0;
      while (i < was.length || j < is.length) {
        const order =
          i >= was.length ? 1 : j >= is.length ? -1 : compareKeys(was[i] as string, is[j] as string);
        if (order === 0) {
          i++;
          j++;
        } else if (order < 0) {
          const groupKey = was[i++] as string;
          const groupName = fromGroupNames.get(groupKey) ?? toGroupNames.get(groupKey) ?? groupKey;
          sink.lost(membershipChange(key, before?.email, groupKey, groupName));
          counts.lost++;
          countGroup(groupKey).lost++;
        } else {
          const groupKey = is[j++] as string;
          const groupName = toGroupNames.get(groupKey) ?? fromGroupNames.get(groupKey) ?? groupKey;
          sink.gained(membershipChange(key, after?.email, groupKey, groupName));
          counts.gained++;
          countGroup(groupKey).gained++;
        }
      }
      gainedTotal += counts.gained;
      lostTotal += counts.lost;
      // The current address when there is one: that is what an administrator searches for.
      const label = after?.email || before?.email || key;
      if (counts.gained + counts.lost > 0) sink.userTally({ key, label, ...counts });
    },

    result() {
      const groupTallies: MembershipTally[] = [];
      for (const [key, counts] of byGroup) {
        const label = toGroupNames.get(key) ?? fromGroupNames.get(key) ?? key;
        groupTallies.push({ key, label, ...counts });
      }
      return {
        gained: gainedTotal,
        lost: lostTotal,
        byGroup: groupTallies.sort(byMostChanged),
        previousMemberships,
      };
    },
  };
}

function membershipChange(
  userKey: string,
  email: string | undefined,
  groupKey: string,
  groupName: string,
): MembershipChange {
  return email === undefined ? { userKey, groupKey, groupName } : { userKey, email, groupKey, groupName };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The biggest movers first, for people scanning a report; ties by key so the order is stable. */
export function byMostChanged(a: MembershipTally, b: MembershipTally): number {
  return b.gained + b.lost - (a.gained + a.lost) || compareKeys(a.key, b.key);
}
