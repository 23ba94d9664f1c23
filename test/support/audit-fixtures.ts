import type { AuditedUser, AuditSetup, Finding, RuleOutcome } from '../../functions/audit/model.ts';
import { privilegeOf } from '../../functions/audit/privileged.ts';
import { userAuditor } from '../../functions/audit/user-auditor.ts';
import { type AuditSettings, auditRuleIds, auditSettingsSchema } from '../../functions/config/schema.ts';
import { type Capabilities, compareKeys, type PrivilegeEvidence } from '../../functions/shared/model.ts';

/** An audit of users held in memory: the per-user auditor over a list, with what other snapshots said as maps. */
export interface AuditInput extends Omit<AuditSetup, 'hasPrevious' | 'privilege'> {
  readonly users: readonly AuditedUser[];
  /** Group key → group name: the snapshot's groups, for the privileged ones. */
  readonly groupNames: ReadonlyMap<string, string>;
  /** Group keys the source itself marks as administering (Periscope v2 roles). */
  readonly adminGroupKeys?: ReadonlySet<string>;
  /** The previous complete snapshot's administrator flags (user key → flag). */
  readonly previousAdminOfUser?: ReadonlyMap<string, boolean>;
  /** The previous complete snapshot's memberships (user key → group keys), absent when there is none. */
  readonly previousGroupsOfUser?: ReadonlyMap<string, readonly string[]>;
  /** When each user was first seen in the store; a user missing from the map was first seen now. */
  readonly firstSeenAt: ReadonlyMap<string, string>;
}

export interface AuditResult {
  readonly rules: readonly RuleOutcome[];
  /** Sorted by rule (in `auditRuleIds` order) then user key, as findings.csv lists them. */
  readonly findings: readonly Finding[];
}

export function evaluateAudit(input: AuditInput): AuditResult {
  const {
    users,
    previousGroupsOfUser,
    previousAdminOfUser,
    firstSeenAt,
    groupNames,
    adminGroupKeys,
    ...setup
  } = input;
  const findings: Finding[] = [];
  const privilege = privilegeOf({
    evidence: setup.capabilities.privilege,
    configuredNames: setup.settings.privilegedGroups,
    groups: [...groupNames].map(([key, name]) => ({ key, name, admin: adminGroupKeys?.has(key) ?? false })),
    providerName: setup.providerName,
  });
  const auditor = userAuditor(
    { ...setup, privilege, hasPrevious: previousGroupsOfUser !== undefined },
    (finding) => findings.push(finding),
  );
  for (const user of users) {
    const previousGroups = previousGroupsOfUser?.get(user.key);
    const seen = firstSeenAt.get(user.key);
    const previousAdmin = previousAdminOfUser?.get(user.key);
    auditor.audit(user, {
      ...(previousGroups === undefined ? {} : { previousGroups }),
      ...(previousAdmin === undefined ? {} : { previousAdmin }),
      ...(seen === undefined ? {} : { firstSeenAt: seen }),
    });
  }
  const rank = (finding: Finding) => auditRuleIds.indexOf(finding.rule);
  findings.sort((a, b) => rank(a) - rank(b) || compareKeys(a.userKey, b.userKey));
  return { rules: auditor.outcomes(), findings };
}

export const DAY = 86_400_000;
/** The scheduled time every audit fixture is judged against. */
export const scheduledAt = new Date('2026-11-22T02:00:00.000Z');

/** An ISO time `days` days (plus `extraMs`) before the snapshot. */
export const ago = (days: number, extraMs = 0) =>
  new Date(scheduledAt.getTime() - days * DAY - extraMs).toISOString();

/** How Periscope v1 shows administrators: the "Administrators" group. */
export const periscopeV1Privilege: PrivilegeEvidence = {
  shownBy: 'members of the group "Administrators"',
  groupNames: ['Administrators'],
  groupFlag: false,
  userFlag: false,
};

export const everyCapability: Capabilities = {
  lastLogin: true,
  mfa: true,
  passwordUpdated: true,
  createdAt: true,
  status: true,
  privilege: periscopeV1Privilege,
};

/** A user every rule passes: recent login and password, two-factor on, created long ago. */
export function healthyUser(key: string, overrides: Partial<AuditedUser> = {}): AuditedUser {
  return {
    key,
    email: `${key}@example.com`,
    status: 'active',
    groups: [],
    lastLoginAt: ago(1),
    passwordUpdatedAt: ago(1),
    mfaEnabled: true,
    createdAt: ago(400),
    ...overrides,
  };
}

/** An audit of `users` with the default thresholds, every capability, and a Periscope v1 name. */
export function auditUsers(
  users: readonly AuditedUser[],
  overrides: Omit<Partial<AuditInput>, 'settings'> & { settings?: Partial<AuditSettings> } = {},
): AuditResult {
  const { settings, ...rest } = overrides;
  return evaluateAudit({
    users,
    groupNames: new Map(),
    capabilities: everyCapability,
    providerName: 'Periscope Data (v1)',
    settings: auditSettingsSchema.parse(settings ?? {}),
    scheduledAt,
    firstSeenAt: new Map(),
    ...rest,
  });
}
