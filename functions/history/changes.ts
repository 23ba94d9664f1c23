import type { FieldValue } from '../diff/model.ts';
import { userDiffFields } from '../diff/user-changes.ts';
import { compareKeys } from '../shared/model.ts';
import type { GroupRecordFields, HistoryChange, MemberRef, UserRecordFields } from './model.ts';

/**
 * The user fields a history lists, in that order: the diff's fields (never `lastLoginAt`, which
 * is activity), and `key` first, which changes only when a record matched by e-mail or id was
 * re-created under a new identity. `groups` follows as added/removed group keys.
 */
export const userHistoryFields = ['key', ...userDiffFields] as const;

/** The group fields a history lists, in that order; `members` follows when both runs' members were read. */
export const groupHistoryFields = ['key', 'id', 'name', 'access', 'description', 'memberCount'] as const;

/** A group as a history reads it: its record and, for complete runs, its members by user key. */
export interface ObservedGroup {
  readonly group: GroupRecordFields & { readonly raw?: unknown };
  readonly members?: ReadonlyMap<string, MemberRef>;
}

export function userChanges(before: UserRecordFields, after: UserRecordFields): HistoryChange[] {
  const changes: HistoryChange[] = scalarChanges(before, after, userHistoryFields);
  const was = new Set(before.groups);
  const is = new Set(after.groups);
  const added = [...is].filter((key) => !was.has(key)).sort(compareKeys);
  const removed = [...was].filter((key) => !is.has(key)).sort(compareKeys);
  if (added.length > 0 || removed.length > 0) {
    // Groups go right after the identity and name fields, before the security fields.
    const at = changes.findIndex(
      (change) => !['key', 'id', 'email', 'firstName', 'lastName', 'status'].includes(change.field),
    );
    changes.splice(at === -1 ? changes.length : at, 0, { field: 'groups', added, removed });
  }
  return changes;
}

export function groupChanges(before: ObservedGroup, after: ObservedGroup): HistoryChange[] {
  const changes = scalarChanges(before.group, after.group, groupHistoryFields);
  if (before.members && after.members) {
    const joined = [...after.members.values()].filter((member) => !before.members?.has(member.key));
    const left = [...before.members.values()].filter((member) => !after.members?.has(member.key));
    if (joined.length > 0 || left.length > 0)
      changes.push({ field: 'members', joined: sortRefs(joined), left: sortRefs(left) });
  }
  return changes;
}

/**
 * Strict inequality on purpose, as in the diff: `undefined` (the provider lacks the field) and
 * `null` (it has the field, empty) are different facts.
 */
function scalarChanges<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
): HistoryChange[] {
  const changes: HistoryChange[] = [];
  for (const field of fields) {
    const was = before[field] as FieldValue | number;
    const is = after[field] as FieldValue | number;
    if (was !== is) changes.push({ field, before: was, after: is });
  }
  return changes;
}

function sortRefs(refs: MemberRef[]): MemberRef[] {
  return refs.sort((a, b) => compareKeys(a.key, b.key));
}
