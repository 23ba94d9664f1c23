import type {
  FieldChange,
  GroupChange,
  GroupRef,
  MembershipChange,
  MembershipTally,
  UserChange,
  UserRef,
} from '../../../diff/model.ts';
import type { Capped } from '../../capped.ts';
import { fieldLabel } from '../../labels.ts';
import type { DiffReport, ReportModel } from '../../report-model.ts';
import { cell, escapeHtml, identifierCell, numberCell, userCell } from '../escape.ts';
import { fieldValueHtml, formatCount, plural } from '../format.ts';
import { type Column, table } from '../table.ts';

/**
 * Who and what changed since the previous complete snapshot. Each per-user list shows its first
 * rows (by key) up to a cap and says how many more there are; changes.csv has every row.
 */
export function changesSection(model: ReportModel): string {
  const parts: string[] = [
    '<section id="changes" aria-labelledby="changes-title">',
    '<h2 id="changes-title">Changes since the previous snapshot</h2>',
  ];
  const diff = model.diff;
  if (diff === undefined) {
    parts.push(
      '<p class="empty first-snapshot">This is the first snapshot of this site: nothing to compare with.</p></section>',
    );
    return parts.join('');
  }
  const groupName = groupNames(diff);
  const groupsCell = (user: UserRef) =>
    user.groups.length === 0
      ? '<td class="none">none</td>'
      : `<td>${user.groups.map((key) => `<bdi>${escapeHtml(groupName(key))}</bdi>`).join(', ')}</td>`;
  const userColumns: Column<UserRef>[] = [
    { header: 'User key', cell: (user) => identifierCell(user.key) },
    { header: 'Email', cell: (user) => identifierCell(user.email) },
    { header: 'Groups', cell: groupsCell },
  ];
  parts.push(
    summary(diff),
    '<h3 id="users-added">Users added</h3>',
    cappedTable(diff.users.added, (rows) =>
      table(rows, userColumns, { empty: 'No users were added.', tall: true }),
    ),
    '<h3 id="users-removed">Users removed <span class="muted">(with the groups they had)</span></h3>',
    cappedTable(diff.users.removed, (rows) =>
      table(rows, userColumns, { empty: 'No users were removed.', tall: true }),
    ),
    '<h3 id="users-changed">User field changes</h3>',
    cappedTable(diff.users.changed, (rows) =>
      table(userFieldRows(rows), userChangeColumns, { empty: 'No user fields changed.', tall: true }),
    ),
    `<p class="muted">Last-login moves are activity, not changes: ${plural(diff.users.activity, 'user')} logged in since the previous snapshot.</p>`,
    '<h3 id="groups-added">Groups added</h3>',
    table(diff.groups.added, groupColumns, { empty: 'No groups were added.' }),
    '<h3 id="groups-removed">Groups removed</h3>',
    table(diff.groups.removed, groupColumns, { empty: 'No groups were removed.' }),
    '<h3 id="groups-changed">Group changes</h3>',
    table(groupFieldRows(diff.groups.changed), groupChangeColumns, { empty: 'No group fields changed.' }),
    '<h3 id="memberships-by-group">Memberships gained and lost, by group</h3>',
    table(diff.memberships.byGroup, tallyColumns, { empty: 'No memberships changed.', tall: true }),
    '<h3 id="memberships-gained">Memberships gained</h3>',
    cappedTable(diff.memberships.gained, (rows) =>
      table(rows, membershipColumns, { empty: 'No memberships were gained.', tall: true }),
    ),
    '<h3 id="memberships-lost">Memberships lost</h3>',
    cappedTable(diff.memberships.lost, (rows) =>
      table(rows, membershipColumns, { empty: 'No memberships were lost.', tall: true }),
    ),
    '</section>',
  );
  return parts.join('');
}

/** The list's first rows, and a note saying how many more changes.csv has when there are more. */
function cappedTable<T>(list: Capped<T>, render: (rows: readonly T[]) => string): string {
  const shown = render(list.first);
  if (list.total <= list.first.length) return shown;
  return `${shown}<p class="more">The first ${formatCount(list.first.length)} of ${formatCount(list.total)} are listed; all ${formatCount(list.total)} are in <a href="changes.csv">changes.csv</a>.</p>`;
}

function summary(diff: DiffReport): string {
  const items = [
    `Users: ${formatCount(diff.users.added.total)} added, ${formatCount(diff.users.removed.total)} removed, ${formatCount(diff.users.changed.total)} changed`,
    `Groups: ${formatCount(diff.groups.added.length)} added, ${formatCount(diff.groups.removed.length)} removed, ${formatCount(diff.groups.changed.length)} changed`,
    `Memberships: ${formatCount(diff.memberships.gained.total)} gained, ${formatCount(diff.memberships.lost.total)} lost`,
  ];
  return [
    '<p>Run <code>',
    escapeHtml(diff.toRunId),
    '</code> compared with run <code>',
    escapeHtml(diff.fromRunId),
    '</code>.</p><ul class="diff-summary">',
    items.map((item) => `<li>${escapeHtml(item)}</li>`).join(''),
    '</ul>',
  ].join('');
}

/** Group key → name, from everything in the diff that names a group. */
function groupNames(diff: DiffReport): (key: string) => string {
  const names = new Map<string, string>();
  for (const tally of diff.memberships.byGroup) names.set(tally.key, tally.label);
  for (const list of [diff.memberships.gained.first, diff.memberships.lost.first]) {
    for (const change of list) names.set(change.groupKey, change.groupName);
  }
  for (const list of [diff.groups.added, diff.groups.removed, diff.groups.changed]) {
    for (const group of list) names.set(group.key, group.name);
  }
  return (key) => names.get(key) ?? key;
}

function changeCell(change: FieldChange): string {
  return `<td>${fieldValueHtml(change.before)} <span class="muted">→</span> ${fieldValueHtml(change.after)}</td>`;
}

interface UserFieldRow {
  readonly user: UserChange;
  readonly change: FieldChange;
}

function userFieldRows(changed: readonly UserChange[]): UserFieldRow[] {
  return changed.flatMap((user) => user.changes.map((change) => ({ user, change })));
}

const userChangeColumns: Column<UserFieldRow>[] = [
  { header: 'User key', cell: (row) => identifierCell(row.user.key) },
  { header: 'Email', cell: (row) => identifierCell(row.user.email) },
  { header: 'Field', cell: (row) => cell(fieldLabel(row.change.field)) },
  { header: 'Before → after', cell: (row) => changeCell(row.change) },
];

const groupColumns: Column<GroupRef>[] = [
  { header: 'Group key', cell: (group) => identifierCell(group.key) },
  { header: 'Name', cell: (group) => userCell(group.name) },
  { header: 'Members', numeric: true, cell: (group) => numberCell(formatCount(group.memberCount)) },
];

interface GroupFieldRow {
  readonly group: GroupChange;
  readonly change: FieldChange;
}

function groupFieldRows(changed: readonly GroupChange[]): GroupFieldRow[] {
  return changed.flatMap((group) => group.changes.map((change) => ({ group, change })));
}

const groupChangeColumns: Column<GroupFieldRow>[] = [
  { header: 'Group key', cell: (row) => identifierCell(row.group.key) },
  { header: 'Name', cell: (row) => userCell(row.group.name) },
  { header: 'Field', cell: (row) => cell(fieldLabel(row.change.field)) },
  { header: 'Before → after', cell: (row) => changeCell(row.change) },
];

const tallyColumns: Column<MembershipTally>[] = [
  { header: 'Group', cell: (tally) => userCell(tally.label) },
  { header: 'Gained', numeric: true, cell: (tally) => numberCell(formatCount(tally.gained)) },
  { header: 'Lost', numeric: true, cell: (tally) => numberCell(formatCount(tally.lost)) },
];

const membershipColumns: Column<MembershipChange>[] = [
  { header: 'User key', cell: (change) => identifierCell(change.userKey) },
  { header: 'Email', cell: (change) => identifierCell(change.email) },
  { header: 'Group', cell: (change) => userCell(change.groupName) },
  { header: 'Group key', cell: (change) => identifierCell(change.groupKey) },
];
