import type { CanonicalGroup } from '../shared/model.ts';

/** A group as the diff sees it: a canonical group without its raw record. */
export type DiffedGroup = Omit<CanonicalGroup, 'raw'>;

export type FieldValue = string | boolean | null | undefined;

/** One field of one record that differs; `undefined` means the field is absent on that side. */
export interface FieldChange {
  readonly field: string;
  readonly before: FieldValue;
  readonly after: FieldValue;
}

export interface UserRef {
  readonly key: string;
  readonly email?: string;
  /** The user's group keys on the side the user exists on (what a removed user had). */
  readonly groups: readonly string[];
}

export interface UserChange {
  readonly key: string;
  readonly email?: string;
  /** Field by field, in a fixed order; never `lastLoginAt` (that is activity) nor `groups` (memberships). */
  readonly changes: readonly FieldChange[];
}

export interface GroupRef {
  readonly key: string;
  readonly name: string;
  readonly memberCount: number;
}

export interface GroupChange {
  readonly key: string;
  readonly name: string;
  /** `name`, `access`, `description`. */
  readonly changes: readonly FieldChange[];
}

export interface MembershipChange {
  readonly userKey: string;
  readonly email?: string;
  readonly groupKey: string;
  readonly groupName: string;
}

/** Gains and losses of one user or one group. */
export interface MembershipTally {
  readonly key: string;
  /** The user's email or the group's name, for people. */
  readonly label: string;
  readonly gained: number;
  readonly lost: number;
}

export interface MassChangeVerdict {
  readonly status: 'ok' | 'suspect';
  readonly removedUsers: number;
  /** `max(minimum, percent % of the previous snapshot's users)`. */
  readonly removedUsersThreshold: number;
  readonly lostMemberships: number;
  readonly lostMembershipsThreshold: number;
  /** One sentence per threshold reached, for people and alarms. */
  readonly reasons: readonly string[];
  /** The site's own recent churn the verdict was also judged against (see churn-baseline.ts). */
  readonly baseline?: ChurnBaseline;
}

/** Where tonight counts as "far above" the site's usual night, and what that is. */
export interface ChurnLimit {
  readonly median: number;
  /** Median absolute deviation from the median. */
  readonly mad: number;
  /** Suspect above this. */
  readonly limit: number;
}

/** The site's normal churn; `applies` is false until enough nights are known. */
export type ChurnBaseline =
  | { readonly nights: number; readonly applies: false }
  | {
      readonly nights: number;
      readonly applies: true;
      readonly removedUsers: ChurnLimit;
      readonly lostMemberships: ChurnLimit;
    };

export interface SnapshotDiff {
  readonly fromRunId: string;
  readonly toRunId: string;
  readonly users: {
    readonly added: readonly UserRef[];
    readonly removed: readonly UserRef[];
    readonly changed: readonly UserChange[];
    /** Users whose last login moved: counted as activity, not listed as changes. */
    readonly activity: number;
  };
  readonly groups: {
    readonly added: readonly GroupRef[];
    readonly removed: readonly GroupRef[];
    readonly changed: readonly GroupChange[];
  };
  readonly memberships: {
    /** Includes the memberships of added users and groups. Sorted by user key, then group key. */
    readonly gained: readonly MembershipChange[];
    /** Includes the memberships of removed users and groups. */
    readonly lost: readonly MembershipChange[];
    readonly byUser: readonly MembershipTally[];
    readonly byGroup: readonly MembershipTally[];
  };
  readonly verdict: MassChangeVerdict;
}

export interface MassChangeThreshold {
  readonly percent: number;
  readonly minimum: number;
}
