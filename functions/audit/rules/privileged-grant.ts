import { groupList } from '../privileged.ts';
import { type AuditRule, fail, pass } from '../rule.ts';

/**
 * Every status is in scope: a grant to a disabled account is still a change someone should explain.
 * Without an earlier complete snapshot every admin would look newly granted, so the rule is
 * UNAVAILABLE rather than a flood of false FAILs; so it is when the source shows no administrators
 * and no configured group matched, rather than a silent "nobody was granted".
 */
export const privilegedGrant: AuditRule = {
  id: 'privileged-grant',
  unavailableReason: (context) =>
    context.hasPrevious
      ? context.privileged.unavailableReason
      : 'there is no earlier complete snapshot to compare with',
  judge(user, context, history) {
    const { privileged } = context;
    if (!context.hasPrevious || !privileged.isPrivilegedUser(user)) return pass;
    const before = history.previousGroups;
    // A user absent from the previous snapshot is new: every privilege is a grant.
    if (before === undefined)
      return fail('high', `new user since the previous snapshot, ${privileged.describe(user)}`);
    const granted: string[] = [];
    // `false`, not absent: a snapshot written before the flag was recorded must not make every
    // administrator look newly made.
    if (privileged.flaggedBySource(user) && history.previousAdmin === false)
      granted.push(`became ${context.providerName} administrator`);
    const joined = privileged.among(user.groups).filter((key) => !before.includes(key));
    if (joined.length > 0) granted.push(`joined ${groupList(privileged, joined)}`);
    if (granted.length === 0) return pass;
    return fail('high', `${granted.join(' and ')} since the previous snapshot`);
  },
};
