import type { AuditSettings, auditRuleIds } from '../config/schema.ts';
import type { Capabilities, UserFields } from '../shared/model.ts';
import type { Privilege } from './privileged.ts';

export type AuditRuleId = (typeof auditRuleIds)[number];

/** Highest first: `--fail-on medium` fails on `high` and `medium`. */
export const severities = ['high', 'medium', 'low'] as const;
export type Severity = (typeof severities)[number];

/**
 * A row of findings.csv: `FAIL`, `UNKNOWN` (the provider has the field but this value cannot be
 * judged) or `EXCEPTED` (a matching, unexpired exception turned a FAIL into this).
 */
export const findingStatuses = ['FAIL', 'UNKNOWN', 'EXCEPTED'] as const;
export type FindingStatus = (typeof findingStatuses)[number];

/** The exception a finding met: applied when `expired` is false, else shown as expired on a FAIL. */
export interface AppliedException {
  readonly reason: string;
  readonly owner: string;
  /** `YYYY-MM-DD`; the exception holds through the end of that day (UTC). */
  readonly expires: string;
  readonly expired: boolean;
}

export interface Finding {
  readonly rule: AuditRuleId;
  readonly severity: Severity;
  readonly status: FindingStatus;
  readonly userKey: string;
  readonly email?: string;
  /** The person's name ("Ada Lovelace"), when the source has one: reports name people, not keys. */
  readonly name?: string;
  /** One sentence for people: what was found and the numbers behind it. */
  readonly detail: string;
  readonly exception?: AppliedException;
}

/** How one rule went over the whole snapshot. */
export interface RuleOutcome {
  readonly rule: AuditRuleId;
  /** False when the provider lacks the rule's field (or, for privileged-grant, there is nothing to compare with). */
  readonly available: boolean;
  /** Why the rule is UNAVAILABLE, naming the field: "LumApps does not report lastLoginAt". */
  readonly unavailableReason?: string;
  /** Users the rule judged (in scope). */
  readonly evaluated: number;
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
  readonly excepted: number;
  /** Users out of the rule's scope: disabled and locked accounts for the login and password rules. */
  readonly outOfScope: number;
}

/** The user fields the audit and the diff use: a canonical user without its raw record. */
export type AuditedUser = UserFields;

/** What the audit of one snapshot needs besides its users: worked out once, before the walk. */
export interface AuditSetup {
  /** Who administers the site (see privileged.ts), decided once over the snapshot's groups. */
  readonly privilege: Privilege;
  /** Whether there is a previous complete snapshot to compare memberships with. */
  readonly hasPrevious: boolean;
  readonly capabilities: Capabilities;
  /** For UNAVAILABLE reasons: "Periscope Data (v1)". */
  readonly providerName: string;
  readonly settings: AuditSettings;
  /** Every age is computed against this, never against the wall clock. */
  readonly scheduledAt: Date;
}

/** What the walk over the other snapshots knows of one user, handed to the rules with the user. */
export interface UserHistory {
  /** The user's group keys in the previous complete snapshot; absent when the user was not in it. */
  readonly previousGroups?: readonly string[];
  /** Whether the source marked the user an administrator in the previous complete snapshot. */
  readonly previousAdmin?: boolean;
  /**
   * When the user was first seen in the store (ISO time of the snapshot first-seen.ts picked), for
   * "never logged in" where the provider has no created date. Absent: first seen in this snapshot.
   */
  readonly firstSeenAt?: string;
}
