import type { SiteAuditResult } from '../functions/audit/audit-site.ts';
import { type Severity, severities } from '../functions/audit/model.ts';
import type { SnapshotDiff } from '../functions/diff/model.ts';
import type { Summary } from '../functions/reports/summary.ts';
import { formatCount, renderTable } from './format.ts';
import { type CliIo, exitCodes } from './io.ts';

/**
 * The exit code of audits: 2 when there was nothing to audit, 1 when a site could not be audited,
 * else 3 when `--fail-on` is reached (a FAIL at or above it, or a suspect mass change, which
 * counts as high), else 0.
 */
export function auditExitCode(results: readonly SiteAuditResult[], failOn: Severity | undefined): number {
  if (results.some((result) => result.status === 'missing')) return exitCodes.usage;
  if (results.some((result) => result.status !== 'audited')) return exitCodes.siteFailed;
  if (failOn === undefined) return exitCodes.ok;
  const reached = severities.slice(0, severities.indexOf(failOn) + 1);
  const failing = results.some(
    (result) =>
      result.status === 'audited' &&
      (reached.some((severity) => result.summary.findings.failsBySeverity[severity] > 0) ||
        result.summary.verdict?.status === 'suspect'),
  );
  return failing ? exitCodes.findingsAtOrAbove : exitCodes.ok;
}

export function printAudits(io: CliIo, results: readonly SiteAuditResult[], debug: boolean): void {
  for (const result of results) {
    if (result.status === 'audited') printAudited(io, result.summary, result.reports);
    else {
      io.stderr.write(
        `${result.site}: ${result.status === 'refused' ? 'NOT AUDITED' : result.status === 'missing' ? 'NOTHING TO AUDIT' : 'FAILED'} — ${result.reason}\n`,
      );
      if (debug && result.status === 'failed' && result.error instanceof Error && result.error.stack)
        io.stderr.write(`${result.error.stack}\n`);
    }
  }
}

function printAudited(
  io: CliIo,
  summary: Summary,
  reports: Readonly<Record<'html' | 'findingsCsv' | 'evidence', string>>,
): void {
  const against = summary.previousRunId
    ? ` against ${summary.previousRunId}`
    : ' (first snapshot: nothing to compare with)';
  io.stdout.write(`rollcall audit · site ${summary.site} · run ${summary.runId}${against}\n\n`);
  for (const warning of summary.warnings) io.stdout.write(`WARNING: ${warning}\n\n`);
  for (const change of summary.highSeverityChanges ?? [])
    io.stdout.write(`HIGH: ${change.detail}\n  restore it and its members: ${change.restoreCommand}\n\n`);
  if (summary.privilege) io.stdout.write(`${administratorsLine(summary.privilege)}\n\n`);
  io.stdout.write(`${findingsTable(summary)}\n\n`);
  if (summary.changes && summary.verdict) {
    const c = summary.changes;
    io.stdout.write(
      `${renderTable(
        ['changes', 'added', 'removed', 'changed'],
        [
          ['users', c.usersAdded, c.usersRemoved, c.usersChanged],
          ['groups', c.groupsAdded, c.groupsRemoved, c.groupsChanged],
          ['memberships', c.membershipsGained, c.membershipsLost, '-'],
        ],
      )}\n`,
    );
    io.stdout.write(`(${formatCount(c.activity)} users logged in since the previous snapshot)\n\n`);
    if (summary.verdict.status === 'suspect')
      io.stderr.write(`${summary.site}: MASS CHANGE SUSPECTED — ${summary.verdict.reasons.join('; ')}\n`);
    else io.stdout.write('mass-change check: ok\n');
  }
  io.stdout.write(
    `report:   ${reports.html}\nfindings: ${reports.findingsCsv}\nevidence: ${reports.evidence}\n\n`,
  );
}

/** "administrators: 4 (members of the group "Administrators")", or why none can be found. */
function administratorsLine(privilege: NonNullable<Summary['privilege']>): string {
  if (privilege.unavailableReason !== undefined)
    return `administrators: UNAVAILABLE — ${privilege.unavailableReason}`;
  const groups = privilege.groups.length > 0 ? `; groups: ${privilege.groups.join(', ')}` : '';
  return `administrators: ${formatCount(privilege.administrators)} (${privilege.shownBy}${groups})`;
}

/**
 * Findings by rule and severity: FAIL counts per severity, then the other statuses; rules the
 * source cannot judge are listed under the table with the reason.
 */
function findingsTable(summary: Summary): string {
  const available = summary.rules.filter((rule) => rule.available);
  const rows: (string | number)[][] = available.map((rule) => {
    const fails = summary.findings.failsByRule[rule.rule];
    return [
      rule.rule,
      ...severities.map((severity) => fails[severity]),
      rule.unknown,
      rule.excepted,
      rule.pass,
      rule.outOfScope,
    ];
  });
  const total = summary.findings.failsBySeverity;
  rows.push(['all rules', ...severities.map((severity) => total[severity]), '', '', '', '']);
  const table = renderTable(
    [
      'rule',
      ...severities.map((severity) => `FAIL ${severity}`),
      'UNKNOWN',
      'EXCEPTED',
      'pass',
      'out of scope',
    ],
    rows,
  );
  const unavailable = summary.rules
    .filter((rule) => !rule.available)
    .map((rule) => `UNAVAILABLE  ${rule.rule}: ${rule.unavailableReason ?? 'no reason given'}`);
  return [table, ...(unavailable.length > 0 ? ['', ...unavailable] : [])].join('\n');
}

/** `rollcall diff` for people: totals, then the first entries of each list. */
export function printDiff(io: CliIo, site: string, diff: SnapshotDiff): void {
  const listed = 20;
  io.stdout.write(`rollcall diff · site ${site} · ${diff.fromRunId} → ${diff.toRunId}\n\n`);
  io.stdout.write(
    `${renderTable(
      ['changes', 'added', 'removed', 'changed'],
      [
        ['users', diff.users.added.length, diff.users.removed.length, diff.users.changed.length],
        ['groups', diff.groups.added.length, diff.groups.removed.length, diff.groups.changed.length],
        ['memberships', diff.memberships.gained.length, diff.memberships.lost.length, '-'],
      ],
    )}\n\n`,
  );
  const section = <T>(title: string, items: readonly T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    io.stdout.write(`${title}:\n`);
    for (const item of items.slice(0, listed)) io.stdout.write(`  ${line(item)}\n`);
    if (items.length > listed)
      io.stdout.write(`  … and ${formatCount(items.length - listed)} more (--json lists all)\n`);
    io.stdout.write('\n');
  };
  section('users added', diff.users.added, (user) => user.email ?? user.key);
  section(
    'users removed',
    diff.users.removed,
    (user) => `${user.email ?? user.key} (groups: ${user.groups.join(', ') || 'none'})`,
  );
  section(
    'users changed',
    diff.users.changed,
    (user) =>
      `${user.email ?? user.key}: ${user.changes.map((change) => `${change.field} ${show(change.before)} → ${show(change.after)}`).join(', ')}`,
  );
  section('groups added', diff.groups.added, (group) => group.name);
  section(
    'groups removed',
    diff.groups.removed,
    (group) => `${group.name} (${formatCount(group.memberCount)} members)`,
  );
  section(
    'groups changed',
    diff.groups.changed,
    (group) =>
      `${group.name}: ${group.changes.map((change) => `${change.field} ${show(change.before)} → ${show(change.after)}`).join(', ')}`,
  );
  section('memberships gained', diff.memberships.gained, (m) => `${m.email ?? m.userKey} → ${m.groupName}`);
  section('memberships lost', diff.memberships.lost, (m) => `${m.email ?? m.userKey} ✕ ${m.groupName}`);
  if (diff.verdict.status === 'suspect')
    io.stderr.write(`MASS CHANGE SUSPECTED — ${diff.verdict.reasons.join('; ')}\n`);
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : value === null ? '(empty)' : JSON.stringify(value);
}

/**
 * The one line that says why `--fail-on` ends the command with exit 3: how many FAIL findings at
 * or above the severity, per site, and any suspect mass change (which counts as high).
 */
export function printFailOnReached(io: CliIo, results: readonly SiteAuditResult[], failOn: Severity): void {
  const reached = severities.slice(0, severities.indexOf(failOn) + 1);
  const parts: string[] = [];
  let total = 0;
  for (const result of results) {
    if (result.status !== 'audited') continue;
    const count = reached.reduce(
      (sum, severity) => sum + result.summary.findings.failsBySeverity[severity],
      0,
    );
    total += count;
    const suspect = result.summary.verdict?.status === 'suspect' ? ' and a suspect mass change' : '';
    if (count > 0 || suspect) parts.push(`${result.site}: ${formatCount(count)}${suspect}`);
  }
  const findings = `${formatCount(total)} FAIL finding${total === 1 ? '' : 's'}`;
  io.stderr.write(
    `rollcall: exit 3 because of --fail-on ${failOn}: ${findings} ${reached.length === severities.length ? 'of any severity' : `of severity ${reached.join(' or ')}`} (${parts.join('; ')}).\n`,
  );
}
