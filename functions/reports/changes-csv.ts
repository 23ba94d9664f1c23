import type { Readable } from 'node:stream';
import type { FieldValue, SnapshotDiff } from '../diff/model.ts';
import { type CsvRow, csvStream, GROUPS_CELL_SEPARATOR } from '../snapshot/csv.ts';

/** One row per change; a changed record has one row per field. */
export const changesCsvHeader = [
  'site',
  'from_run_id',
  'to_run_id',
  'change',
  'user_key',
  'email',
  'group_key',
  'group_name',
  'field',
  'before',
  'after',
] as const;

export const changeKinds = [
  'user-added',
  'user-removed',
  'user-changed',
  'group-added',
  'group-removed',
  'group-changed',
  'membership-gained',
  'membership-lost',
] as const;

/** Only the header when there is no previous snapshot to compare with. */
export function changesCsv(site: string, diff: SnapshotDiff | undefined): Readable {
  return csvStream(changesCsvHeader, diff ? changeRows(site, diff) : []);
}

function* changeRows(site: string, diff: SnapshotDiff): Generator<CsvRow> {
  const row = (
    change: (typeof changeKinds)[number],
    cells: {
      userKey?: string;
      email?: string | undefined;
      groupKey?: string;
      groupName?: string;
      field?: string;
      before?: FieldValue;
      after?: FieldValue;
    },
  ): CsvRow => [
    site,
    diff.fromRunId,
    diff.toRunId,
    change,
    cells.userKey,
    cells.email,
    cells.groupKey,
    cells.groupName,
    cells.field,
    cells.before,
    cells.after,
  ];
  for (const user of diff.users.added)
    yield row('user-added', {
      userKey: user.key,
      email: user.email,
      field: 'groups',
      after: user.groups.join(GROUPS_CELL_SEPARATOR),
    });
  for (const user of diff.users.removed)
    yield row('user-removed', {
      userKey: user.key,
      email: user.email,
      field: 'groups',
      before: user.groups.join(GROUPS_CELL_SEPARATOR),
    });
  for (const user of diff.users.changed)
    for (const change of user.changes)
      yield row('user-changed', { userKey: user.key, email: user.email, ...change });
  for (const group of diff.groups.added)
    yield row('group-added', { groupKey: group.key, groupName: group.name });
  for (const group of diff.groups.removed)
    yield row('group-removed', { groupKey: group.key, groupName: group.name });
  for (const group of diff.groups.changed)
    for (const change of group.changes)
      yield row('group-changed', { groupKey: group.key, groupName: group.name, ...change });
  for (const membership of diff.memberships.gained) yield row('membership-gained', membership);
  for (const membership of diff.memberships.lost) yield row('membership-lost', membership);
}
