import { fieldChanges } from './field-changes.ts';
import type { DiffedGroup, GroupChange, GroupRef, SnapshotDiff } from './model.ts';
import { mergeByKey } from './sorted-merge.ts';

/** The group fields a diff lists, in that order; `memberCount` follows from the memberships. */
export const groupDiffFields = [
  'name',
  'access',
  'description',
] as const satisfies readonly (keyof DiffedGroup)[];

/** A side's groups and its run, for the error that names an unsorted list. */
interface GroupSide {
  readonly runId: string;
  readonly groups: readonly DiffedGroup[];
}

export function diffGroups(from: GroupSide, to: GroupSide): SnapshotDiff['groups'] {
  const added: GroupRef[] = [];
  const removed: GroupRef[] = [];
  const changed: GroupChange[] = [];
  mergeByKey(
    from.groups,
    to.groups,
    { records: 'groups', beforeRun: from.runId, afterRun: to.runId },
    {
      onlyBefore: (group) => removed.push(groupRef(group)),
      onlyAfter: (group) => added.push(groupRef(group)),
      both(before, after) {
        const changes = fieldChanges(before, after, groupDiffFields);
        // The current name: a rename shows its old name in `changes`.
        if (changes.length > 0) changed.push({ key: after.key, name: after.name, changes });
      },
    },
  );
  return { added, removed, changed };
}

/** Group key → name, to label memberships. */
export function groupNamesOf(groups: readonly DiffedGroup[]): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const group of groups) names.set(group.key, group.name);
  return names;
}

function groupRef(group: DiffedGroup): GroupRef {
  return { key: group.key, name: group.name, memberCount: group.memberCount };
}
