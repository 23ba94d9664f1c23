import { notReported } from '../context.ts';
import { dayCount, dayOf, isOlderThan, wholeDays } from '../days.ts';
import { timeOf } from '../iso-time.ts';
import { type AuditRule, fail, outOfScope, pass, unknown } from '../rule.ts';
import { isInLoginScope } from '../scope.ts';

export const passwordStale: AuditRule = {
  id: 'password-stale',
  unavailableReason: (context) =>
    context.capabilities.passwordUpdated ? undefined : notReported(context, 'passwordUpdatedAt'),
  judge(user, context) {
    if (!isInLoginScope(user.status)) return outOfScope;
    const updatedAt = user.passwordUpdatedAt;
    // Single sign-on accounts have no password date; the age cannot be judged either way.
    if (updatedAt === null)
      return unknown('medium', 'no password change date (for example a single sign-on account)');
    if (updatedAt === undefined)
      return unknown('medium', "password change date is missing from this user's record");
    const ageMs = context.scheduledAtMs - timeOf(updatedAt);
    if (Number.isNaN(ageMs))
      return unknown('medium', `password change date "${updatedAt}" is not a valid time`);
    const limit = context.settings.passwordMaxAgeDays;
    if (!isOlderThan(ageMs, limit)) return pass;
    return fail(
      'medium',
      `password last changed ${dayOf(updatedAt)} (${dayCount(wholeDays(ageMs))} before the snapshot; limit ${limit})`,
    );
  },
};
