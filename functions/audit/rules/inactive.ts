import { notReported } from '../context.ts';
import { dayCount, dayOf, isOlderThan, wholeDays } from '../days.ts';
import { timeOf } from '../iso-time.ts';
import { type AuditRule, fail, outOfScope, pass, unknown } from '../rule.ts';
import { isInLoginScope } from '../scope.ts';

/**
 * A user who never logged in (`lastLoginAt: null`) passes here: `never-logged-in` judges them with
 * its own grace period, and failing them twice would double-count the commonest false positive.
 */
export const inactive: AuditRule = {
  id: 'inactive',
  unavailableReason: (context) =>
    context.capabilities.lastLogin ? undefined : notReported(context, 'lastLoginAt'),
  judge(user, context) {
    if (!isInLoginScope(user.status)) return outOfScope;
    const lastLoginAt = user.lastLoginAt;
    if (lastLoginAt === null) return pass;
    if (lastLoginAt === undefined) return unknown('medium', "last login is missing from this user's record");
    const ageMs = context.scheduledAtMs - timeOf(lastLoginAt);
    if (Number.isNaN(ageMs)) return unknown('medium', `last login "${lastLoginAt}" is not a valid time`);
    const limit = context.settings.inactiveDays;
    if (!isOlderThan(ageMs, limit)) return pass;
    return fail(
      'medium',
      `last login ${dayOf(lastLoginAt)} (${dayCount(wholeDays(ageMs))} before the snapshot; limit ${limit})`,
    );
  },
};
