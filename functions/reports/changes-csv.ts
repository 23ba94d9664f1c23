import type { FieldValue, SnapshotDiff, UserRef } from '../diff/model.ts';
import { csvLine, GROUPS_CELL_SEPARATOR } from '../snapshot/csv.ts';

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

export type ChangeKind = (typeof changeKinds)[number];

/** The cells of a change row after the run ids and the kind; absent cells stay empty. */
export interface ChangeCells {
  readonly userKey?: string;
  readonly email?: string | undefined;
  readonly groupKey?: string;
  readonly groupName?: string;
  readonly field?: string;
  readonly before?: FieldValue;
  readonly after?: FieldValue;
}

/** Writes the rows of one diff: the site and the runs are the same on every row. */
export function changeLineWriter(
  site: string,
  fromRunId: string,
  toRunId: string,
): (change: ChangeKind, cells: ChangeCells) => string {
  return (change, cells) =>
    csvLine([
      site,
      fromRunId,
      toRunId,
      change,
      cells.userKey,
      cells.email,
      cells.groupKey,
      cells.groupName,
      cells.field,
      cells.before,
      cells.after,
    ]);
}

/** The rows of an added or removed user: their groups in one cell. */
export function userGroupsCells(user: UserRef, side: 'before' | 'after'): ChangeCells {
  return {
    userKey: user.key,
    email: user.email,
    field: 'groups',
    [side]: user.groups.join(GROUPS_CELL_SEPARATOR),
  };
}

/** The group rows of a diff (groups are few: built in memory), in the order changes.csv lists them. */
export function groupChangeLines(
  line: ReturnType<typeof changeLineWriter>,
  groups: SnapshotDiff['groups'],
): string {
  const lines: string[] = [];
  for (const group of groups.added)
    lines.push(line('group-added', { groupKey: group.key, groupName: group.name }));
  for (const group of groups.removed)
    lines.push(line('group-removed', { groupKey: group.key, groupName: group.name }));
  for (const group of groups.changed)
    for (const change of group.changes)
      lines.push(line('group-changed', { groupKey: group.key, groupName: group.name, ...change }));
  return lines.join('');
}
