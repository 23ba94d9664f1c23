import type { GroupRef } from '../diff/model.ts';
import { formatCount } from './html/format.ts';

/**
 * A group removed while it had members: the change that most often is an accident (a wrong click,
 * a sync gone wrong), and the one a restore can undo. High severity, whatever the mass-change
 * verdict says: a small team's group is far below any share of all memberships.
 */
export interface RemovedGroupWithMembers {
  readonly kind: 'group-removed-with-members';
  readonly severity: 'high';
  readonly groupKey: string;
  readonly groupName: string;
  /** Its members in the previous snapshot. */
  readonly members: number;
  /** One sentence for people. */
  readonly detail: string;
  /** The command that puts the group and its members who still exist back (see README, "Restore"). */
  readonly restoreCommand: string;
}

export function removedGroupsWithMembers(
  site: string,
  diff: { readonly fromRunId: string; readonly groups: { readonly removed: readonly GroupRef[] } },
): RemovedGroupWithMembers[] {
  return diff.groups.removed
    .filter((group) => group.memberCount > 0)
    .map((group) => ({
      kind: 'group-removed-with-members',
      severity: 'high',
      groupKey: group.key,
      groupName: group.name,
      members: group.memberCount,
      detail: `Group "${group.name}" was removed while it had ${formatCount(group.memberCount)} ${group.memberCount === 1 ? 'member' : 'members'}.`,
      restoreCommand: restoreGroupCommand(site, diff.fromRunId, group.key),
    }));
}

/**
 * `rollcall restore --site acme --from 20261121T020000Z --group 'sales' --apply`: the group by its
 * key (a name can be shared, a key cannot) from the run that still had it. Run without `--apply`
 * it prints the plan; add `--config FILE` when the config is not `rollcall.config.json`.
 */
export function restoreGroupCommand(site: string, fromRunId: string, groupKey: string): string {
  return `rollcall restore --site ${site} --from ${fromRunId} --group ${shellQuote(groupKey)} --apply`;
}

/** POSIX single quotes: nothing inside is expanded; a quote is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
