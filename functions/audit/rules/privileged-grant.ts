import { groupList } from '../privileged.ts';
import { type AuditRule, fail, pass } from '../rule.ts';

/**
 * Every status is in scope: a grant to a disabled account is still a change someone should explain.
 * Without an earlier complete snapshot every admin would look newly granted, so the rule is
 * UNAVAILABLE rather than a flood of false FAILs.
 */
export const privilegedGrant: AuditRule = {
  id: 'privileged-grant',
  unavailableReason: (context) =>
    context.hasPrevious ? undefined : 'there is no earlier complete snapshot to compare with',
  judge(user, context, history) {
    const now = context.privileged.among(user.groups);
    if (now.length === 0 || !context.hasPrevious) return pass;
    const before = history.previousGroups;
    // A user absent from the previous snapshot is new: each privileged membership is a grant.
    if (before === undefined) {
      return fail(
        'high',
        `new user since the previous snapshot, member of ${groupList(context.privileged, now)}`,
      );
    }
    const joined = now.filter((key) => !before.includes(key));
    if (joined.length === 0) return pass;
    return fail('high', `joined ${groupList(context.privileged, joined)} since the previous snapshot`);
  },
};
