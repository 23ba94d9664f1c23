import { createHash } from 'node:crypto';
import type { AuditRuleId, Finding, RuleOutcome, Severity } from '../../functions/audit/model.ts';
import type { AuditSettings } from '../../functions/config/schema.ts';
import { auditRuleIds } from '../../functions/config/schema.ts';
import type {
  GroupChange,
  GroupRef,
  MassChangeVerdict,
  MembershipChange,
  MembershipTally,
  SnapshotDiff,
  UserChange,
  UserRef,
} from '../../functions/diff/model.ts';
import { cappedOf } from '../../functions/reports/capped.ts';
import { FindingSelection } from '../../functions/reports/finding-selection.ts';
import { tallyFindings } from '../../functions/reports/html/figures.ts';
import type {
  DiffReport,
  FindingsReport,
  HistoryPoint,
  ReportModel,
} from '../../functions/reports/report-model.ts';

/**
 * A realistic report model for a Periscope Data (v1) site of 40 users whose names, emails and
 * group names are hostile (markup, quotes, ampersands, right-to-left text, bidi overrides, emoji,
 * control characters, line breaks), with findings of every status, an expired exception, a diff
 * with something in every category and five history points (one never audited).
 *
 * `suspect: true` makes the diff a mass removal (12 users gone) with a `suspect` verdict; any
 * other key replaces the model's own.
 */
export type SampleReportOverrides = Partial<ReportModel> & { readonly suspect?: boolean };

export const sampleSite = 'acme-analytics';
export const sampleRunId = '20261122T020000Z';
export const sampleScheduledAt = '2026-11-22T02:00:00Z';
export const samplePreviousRunId = '20261121T020000Z';

export const sampleGroups = {
  admins: 'Administrators',
  analysts: 'Analysts',
  finance: 'Finance & "Ops"',
  managers: 'מנהלים',
  contractors: '<b>Contractors</b>',
  legacy: 'Legacy BI',
} as const;

/** Emails that try to break out of a table cell, an attribute, a script, the text direction or a line. */
export const hostileEmails = [
  '<script>alert("pwned")</script>@evil.example',
  '"><img src="http://evil.example/x.png" onerror="alert(1)">@evil.example',
  "o'brien&sons@acme.example",
  'مدير.النظام@acme.example',
  'שרה.כהן@acme.example',
  'emoji🙂👩🏽‍💻@acme.example',
  'line\nbreak@acme.example',
  'rlo\u202Egnp.exe@acme.example',
  'tab\tand\u0000nul@acme.example',
  '=HYPERLINK("https://evil.example")@acme.example',
  'amp&amp;already-escaped@acme.example',
  '</td></tr></table><h1>owned</h1>@evil.example',
] as const;

const firstNames = [
  'Ada',
  'Björn',
  'Chloé',
  'Dmitri',
  'Eun-ji',
  'Fatima',
  'Giorgos',
  'Hiroshi',
  'Ines',
  'Jamal',
];

interface SampleUser {
  readonly key: string;
  readonly email: string;
  readonly groups: readonly string[];
}

function sampleUsers(): SampleUser[] {
  const users: SampleUser[] = [];
  for (let index = 0; index < 40; index += 1) {
    const email =
      index < hostileEmails.length
        ? (hostileEmails[index] as string)
        : index === 39
          ? 'svc-reporting@acme.example'
          : `${(firstNames[index % firstNames.length] as string).toLowerCase()}.${index}@acme.example`;
    const groups: string[] = [sampleGroups.analysts];
    if (index % 5 === 0) groups.push(sampleGroups.admins);
    if (index % 4 === 2) groups.push(sampleGroups.finance);
    if (index % 6 === 3) groups.push(sampleGroups.managers);
    if (index >= 35) groups.push(sampleGroups.contractors);
    users.push({ key: email.toLowerCase(), email, groups: groups.sort() });
  }
  return users.sort((a, b) => compare(a.key, b.key));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const settings: AuditSettings = {
  inactiveDays: 45,
  neverLoggedInGraceDays: 14,
  passwordMaxAgeDays: 90,
  privilegedGroups: [sampleGroups.admins],
  massChangeThreshold: { percent: 5, minimum: 5 },
  exceptions: [
    {
      user: 'svc-reporting@acme.example',
      rule: 'mfa-missing',
      reason: 'API-only account, key rotated monthly',
      owner: 'it@acme.example',
      expires: '2027-03-31',
    },
    {
      user: "o'brien&sons@acme.example",
      rule: 'inactive',
      reason: 'Parental leave <until October>',
      owner: 'hr&people@acme.example',
      expires: '2026-10-31',
    },
  ],
};

function sampleFindings(users: readonly SampleUser[]): Finding[] {
  const findings: Finding[] = [];
  users.forEach((user, index) => {
    const base = { userKey: user.key, email: user.email };
    const admin = user.groups.includes(sampleGroups.admins);
    if (user.email === 'svc-reporting@acme.example') {
      findings.push({
        ...base,
        rule: 'mfa-missing',
        severity: admin ? 'high' : 'medium',
        status: 'EXCEPTED',
        detail: 'two-factor authentication is off',
        exception: {
          reason: 'API-only account, key rotated monthly',
          owner: 'it@acme.example',
          expires: '2027-03-31',
          expired: false,
        },
      });
    } else if (index % 3 === 0 || (hostileEmails as readonly string[]).includes(user.email)) {
      findings.push({
        ...base,
        rule: 'mfa-missing',
        severity: admin ? 'high' : 'medium',
        status: 'FAIL',
        detail: `two-factor authentication is off${admin ? `; member of ${sampleGroups.admins}` : ''}`,
      });
    } else if (index % 7 === 1) {
      findings.push({
        ...base,
        rule: 'mfa-missing',
        severity: admin ? 'high' : 'medium',
        status: 'UNKNOWN',
        detail: 'two-factor status is empty for this user',
      });
    }
    if (user.email === "o'brien&sons@acme.example") {
      findings.push({
        ...base,
        rule: 'inactive',
        severity: 'medium',
        status: 'FAIL',
        detail: 'last login 2026-08-01 (113 days before the snapshot; limit 45)',
        exception: {
          reason: 'Parental leave <until October>',
          owner: 'hr&people@acme.example',
          expires: '2026-10-31',
          expired: true,
        },
      });
    } else if (index % 4 === 1) {
      findings.push({
        ...base,
        rule: 'inactive',
        severity: 'medium',
        status: 'FAIL',
        detail: `last login 2026-0${(index % 8) + 1}-15 (${200 - index} days before the snapshot; limit 45)`,
      });
    }
    if (index % 9 === 2) {
      findings.push({
        ...base,
        rule: 'never-logged-in',
        severity: 'low',
        status: 'FAIL',
        detail:
          'never logged in; known since 2026-09-01 (first snapshot containing the user), 82 days; grace 14',
      });
    }
    if (index % 5 === 3) {
      findings.push({
        ...base,
        rule: 'password-stale',
        severity: 'medium',
        status: 'FAIL',
        detail: `password last changed 2025-12-0${(index % 9) + 1} (${350 - index} days before the snapshot; limit 90)`,
      });
    } else if (index % 11 === 4) {
      findings.push({
        ...base,
        rule: 'password-stale',
        severity: 'medium',
        status: 'UNKNOWN',
        detail: 'no password change date (for example a single sign-on account)',
      });
    }
  });
  for (const user of addedUsers(users).filter((added) => added.groups.includes(sampleGroups.admins))) {
    findings.push({
      userKey: user.key,
      email: user.email,
      rule: 'privileged-grant',
      severity: 'high',
      status: 'FAIL',
      detail: `new user since the previous snapshot, member of ${sampleGroups.admins}`,
    });
  }
  const granted = grantedUser(users);
  findings.push({
    userKey: granted.key,
    email: granted.email,
    rule: 'privileged-grant',
    severity: 'high',
    status: 'FAIL',
    detail: `joined ${sampleGroups.admins} since the previous snapshot`,
  });
  const order = new Map<AuditRuleId, number>(auditRuleIds.map((rule, index) => [rule, index]));
  return findings.sort(
    (a, b) => (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0) || compare(a.userKey, b.userKey),
  );
}

function ruleOutcomes(findings: readonly Finding[], users: number): RuleOutcome[] {
  return auditRuleIds.map((rule) => {
    const own = findings.filter((finding) => finding.rule === rule);
    const count = (status: Finding['status']) => own.filter((finding) => finding.status === status).length;
    const fail = count('FAIL');
    const unknown = count('UNKNOWN');
    const excepted = count('EXCEPTED');
    return {
      rule,
      available: true,
      evaluated: users,
      pass: users - fail - unknown - excepted,
      fail,
      unknown,
      excepted,
      outOfScope: 0,
    };
  });
}

/** Four users joined since the previous snapshot, in the new contractors group (one of them an administrator). */
function addedUsers(users: readonly SampleUser[]): SampleUser[] {
  return users.filter(
    (user) => user.groups.includes(sampleGroups.contractors) && user.email !== 'svc-reporting@acme.example',
  );
}

/** An existing user who joined the administrators since the previous snapshot. */
function grantedUser(users: readonly SampleUser[]): SampleUser {
  const added = new Set(addedUsers(users).map((user) => user.key));
  const admins = users.filter((user) => user.groups.includes(sampleGroups.admins) && !added.has(user.key));
  return admins[admins.length - 1] as SampleUser;
}

function removedUsers(suspect: boolean): UserRef[] {
  const removed: UserRef[] = [
    {
      key: 'removed<script>x</script>@evil.example',
      email: 'Removed<script>x</script>@evil.example',
      groups: [sampleGroups.analysts],
    },
    { key: 'נועה.לוי@acme.example', email: 'נועה.לוי@acme.example', groups: [sampleGroups.managers] },
    {
      key: 'former.employee@acme.example',
      email: 'former.employee@acme.example',
      groups: [sampleGroups.legacy],
    },
  ];
  if (suspect) {
    for (let index = 0; index < 9; index += 1) {
      removed.push({
        key: `bulk.${index}@acme.example`,
        email: `bulk.${index}@acme.example`,
        groups: [sampleGroups.analysts, sampleGroups.finance],
      });
    }
  }
  return removed.sort((a, b) => compare(a.key, b.key));
}

function memberships(list: readonly UserRef[]): MembershipChange[] {
  return list.flatMap((user) =>
    user.groups.map((group) => ({ userKey: user.key, email: user.email, groupKey: group, groupName: group })),
  );
}

function tallies(
  gained: readonly MembershipChange[],
  lost: readonly MembershipChange[],
  keyOf: (change: MembershipChange) => readonly [key: string, label: string],
): MembershipTally[] {
  const byKey = new Map<string, { key: string; label: string; gained: number; lost: number }>();
  const add = (change: MembershipChange, side: 'gained' | 'lost') => {
    const [key, label] = keyOf(change);
    const tally = byKey.get(key) ?? { key, label, gained: 0, lost: 0 };
    tally[side] += 1;
    byKey.set(key, tally);
  };
  for (const change of gained) add(change, 'gained');
  for (const change of lost) add(change, 'lost');
  return [...byKey.values()].sort((a, b) => compare(a.key, b.key));
}

function byMembership(a: MembershipChange, b: MembershipChange): number {
  return compare(a.userKey, b.userKey) || compare(a.groupKey, b.groupKey);
}

function sampleDiff(users: readonly SampleUser[], suspect: boolean): SnapshotDiff {
  const added: UserRef[] = addedUsers(users).map((user) => ({
    key: user.key,
    email: user.email,
    groups: user.groups,
  }));
  const removed = removedUsers(suspect);
  const at = (index: number) => users[index] as SampleUser;
  const changed: UserChange[] = [
    {
      key: at(3).key,
      email: at(3).email,
      changes: [
        { field: 'firstName', before: 'Ada', after: '<img src=x onerror=alert(1)>' },
        { field: 'mfaEnabled', before: true, after: false },
      ],
    },
    {
      key: at(4).key,
      email: at(4).email,
      changes: [
        { field: 'lastName', before: null, after: 'אלכסנדר "Alex" O\'Neil' },
        { field: 'passwordUpdatedAt', before: '2026-01-02T03:04:05Z', after: undefined },
      ],
    },
    {
      key: at(20).key,
      email: at(20).email,
      changes: [{ field: 'email', before: 'Old.Address@acme.example', after: at(20).email }],
    },
  ].sort((a, b) => compare(a.key, b.key));
  const contractors = users.filter((user) => user.groups.includes(sampleGroups.contractors)).length;
  const groupsAdded: GroupRef[] = [
    { key: sampleGroups.contractors, name: sampleGroups.contractors, memberCount: contractors },
  ];
  const groupsRemoved: GroupRef[] = [{ key: sampleGroups.legacy, name: sampleGroups.legacy, memberCount: 0 }];
  const groupsChanged: GroupChange[] = [
    {
      key: sampleGroups.finance,
      name: sampleGroups.finance,
      changes: [
        { field: 'access', before: 'View', after: 'Edit' },
        { field: 'description', before: undefined, after: 'Finance\u202E team & <friends>' },
      ],
    },
  ];
  const granted = grantedUser(users);
  const gained = [
    ...memberships(added),
    {
      userKey: granted.key,
      email: granted.email,
      groupKey: sampleGroups.admins,
      groupName: sampleGroups.admins,
    },
    ...users
      .filter(
        (user) => user.groups.includes(sampleGroups.contractors) && !added.some((a) => a.key === user.key),
      )
      .map((user) => ({
        userKey: user.key,
        email: user.email,
        groupKey: sampleGroups.contractors,
        groupName: sampleGroups.contractors,
      })),
  ].sort(byMembership);
  const dropped = users.find((user) => !user.groups.includes(sampleGroups.finance)) as SampleUser;
  const lost = [
    ...memberships(removed),
    {
      userKey: dropped.key,
      email: dropped.email,
      groupKey: sampleGroups.finance,
      groupName: sampleGroups.finance,
    },
  ].sort(byMembership);
  const previousUsers = users.length - added.length + removed.length;
  const previousMemberships =
    users.reduce((sum, user) => sum + user.groups.length, 0) - gained.length + lost.length;
  return {
    fromRunId: samplePreviousRunId,
    toRunId: sampleRunId,
    users: { added, removed, changed, activity: 17 },
    groups: { added: groupsAdded, removed: groupsRemoved, changed: groupsChanged },
    memberships: {
      gained,
      lost,
      byUser: tallies(gained, lost, (change) => [change.userKey, change.email ?? change.userKey]),
      byGroup: tallies(gained, lost, (change) => [change.groupKey, change.groupName]),
    },
    verdict: verdict(removed.length, previousUsers, lost.length, previousMemberships),
  };
}

/** As the diff computes it: `max(minimum, ceil(percent % of previous))`, each threshold reached is a reason. */
function verdict(
  removedUsers: number,
  previousUsers: number,
  lostMemberships: number,
  previousMemberships: number,
): MassChangeVerdict {
  const threshold = (previous: number) => Math.max(5, Math.ceil((5 * previous) / 100));
  const removedUsersThreshold = threshold(previousUsers);
  const lostMembershipsThreshold = threshold(previousMemberships);
  const reasons: string[] = [];
  const percent = (count: number, previous: number) =>
    ((count / previous) * 100).toFixed(1).replace(/\.0$/, '');
  if (removedUsers >= removedUsersThreshold) {
    reasons.push(
      `${removedUsers} users removed (${percent(removedUsers, previousUsers)} % of ${previousUsers}; threshold ${removedUsersThreshold})`,
    );
  }
  if (lostMemberships >= lostMembershipsThreshold) {
    reasons.push(
      `${lostMemberships} memberships lost (${percent(lostMemberships, previousMemberships)} % of ${previousMemberships}; threshold ${lostMembershipsThreshold})`,
    );
  }
  return {
    status: reasons.length > 0 ? 'suspect' : 'ok',
    removedUsers,
    removedUsersThreshold,
    lostMemberships,
    lostMembershipsThreshold,
    reasons,
  };
}

function failsBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const finding of findings) if (finding.status === 'FAIL') counts[finding.severity] += 1;
  return counts;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function sampleReportModel(overrides: SampleReportOverrides = {}): ReportModel {
  const { suspect = false, ...replacements } = overrides;
  const users = sampleUsers();
  const findings = sampleFindings(users);
  const diff = sampleDiff(users, suspect);
  const membershipCount = users.reduce((sum, user) => sum + user.groups.length, 0);
  const groupCount = Object.keys(sampleGroups).length - 1;
  const history: HistoryPoint[] = [
    {
      runId: '20261118T020000Z',
      scheduledAt: '2026-11-18T02:00:00Z',
      users: 37,
      failsBySeverity: { high: 4, medium: 16, low: 3 },
    },
    {
      runId: '20261119T020000Z',
      scheduledAt: '2026-11-19T02:00:00Z',
      users: 38,
      failsBySeverity: { high: 4, medium: 17, low: 3 },
    },
    { runId: '20261120T020000Z', scheduledAt: '2026-11-20T02:00:00Z', users: 39, failsBySeverity: null },
    {
      runId: samplePreviousRunId,
      scheduledAt: '2026-11-21T02:00:00Z',
      users: users.length - diff.users.added.length + diff.users.removed.length,
      failsBySeverity: { high: 3, medium: 18, low: 4 },
    },
    {
      runId: sampleRunId,
      scheduledAt: sampleScheduledAt,
      users: users.length,
      failsBySeverity: failsBySeverity(findings),
    },
  ];
  const files = [
    ['groups.csv', 412, groupCount],
    ['groups.jsonl.gz', 1_873, groupCount],
    ['memberships.csv', 3_204, membershipCount],
    ['users.csv', 6_518, users.length],
    ['users.jsonl.gz', 9_120_442, users.length],
  ] as const;
  const base: ReportModel = {
    tool: { name: 'rollcall', version: '0.1.0' },
    site: sampleSite,
    provider: 'periscope-v1',
    providerName: 'Periscope Data (v1)',
    runId: sampleRunId,
    scheduledAt: sampleScheduledAt,
    generatedAt: '2026-11-22T02:41:07.000Z',
    origin: 'Periscope site "acme" at https://app.periscopedata.com',
    warnings: [],
    evidence: {
      manifestLocation: `s3://acme-rollcall-archive/snapshots/site=${sampleSite}/date=2026-11-22/run=${sampleRunId}/manifest.json`,
      status: 'complete',
      hashesVerified: true,
      counts: { users: users.length, groups: groupCount, memberships: membershipCount },
      source: {
        users: {
          pages: 1,
          reportedTotal: users.length,
          uniqueRecords: users.length,
          duplicatesDropped: 0,
          retries: 1,
          complete: true,
        },
        groups: {
          pages: 1,
          reportedTotal: null,
          uniqueRecords: groupCount,
          duplicatesDropped: 0,
          retries: 0,
          complete: true,
        },
      },
      files: files.map(([name, bytes, records]) => ({ name, sha256: sha256(name), bytes, records })),
      startedAt: '2026-11-22T02:00:03.125Z',
      finishedAt: '2026-11-22T02:00:41.870Z',
      snapshotToolVersion: '0.1.0',
    },
    thresholds: settings,
    privilege: {
      shownBy: 'members of the group "Administrators"',
      evidence: {
        shownBy: 'members of the group "Administrators"',
        groupNames: ['Administrators'],
        groupFlag: false,
        userFlag: false,
      },
      administrators: users.filter((user) => user.groups.includes(sampleGroups.admins)).length,
      groups: [sampleGroups.admins],
    },
    audit: findingsReport(ruleOutcomes(findings, users.length), findings),
    previousRunId: samplePreviousRunId,
    diff: diffReport(diff),
    history,
  };
  return { ...base, ...replacements };
}

/** The audit as the report sees it, from findings held in memory (the same collectors the walk feeds). */
export function findingsReport(rules: readonly RuleOutcome[], findings: readonly Finding[]): FindingsReport {
  const selection = new FindingSelection();
  for (const finding of findings) selection.add(finding);
  return { rules, figures: tallyFindings(findings), shown: selection.result() };
}

/** A whole diff as the report sees it: every list capped as the walk caps it. */
export function diffReport(diff: SnapshotDiff): DiffReport {
  return {
    fromRunId: diff.fromRunId,
    toRunId: diff.toRunId,
    users: {
      added: cappedOf(diff.users.added),
      removed: cappedOf(diff.users.removed),
      changed: cappedOf(diff.users.changed),
      activity: diff.users.activity,
    },
    groups: diff.groups,
    memberships: {
      gained: cappedOf(diff.memberships.gained),
      lost: cappedOf(diff.memberships.lost),
      byGroup: diff.memberships.byGroup,
    },
    verdict: diff.verdict,
  };
}
