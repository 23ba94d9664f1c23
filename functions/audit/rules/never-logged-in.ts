import { notReported } from '../context.ts';
import { dayCount, dayOf, isOlderThan, wholeDays } from '../days.ts';
import { timeOf } from '../iso-time.ts';
import type { AuditedUser, UserHistory } from '../model.ts';
import { type AuditRule, fail, outOfScope, pass, unknown } from '../rule.ts';
import { isInLoginScope } from '../scope.ts';

/**
 * Only users the site has known for longer than the grace period fail: a fresh invitation that is
 * not yet accepted is normal, an account idle since it was created weeks ago is not.
 */
export const neverLoggedIn: AuditRule = {
  id: 'never-logged-in',
  unavailableReason: (context) =>
    context.capabilities.lastLogin ? undefined : notReported(context, 'lastLoginAt'),
  judge(user, context, history) {
    if (!isInLoginScope(user.status)) return outOfScope;
    if (user.lastLoginAt === undefined)
      return unknown('low', "last login is missing from this user's record");
    if (user.lastLoginAt !== null) return pass;
    const known = knownSince(user, history);
    if (known === undefined) return pass;
    const ageMs = context.scheduledAtMs - timeOf(known.since);
    if (Number.isNaN(ageMs)) return unknown('low', `known-since date "${known.since}" is not a valid time`);
    const grace = context.settings.neverLoggedInGraceDays;
    if (!isOlderThan(ageMs, grace)) return pass;
    const since =
      known.source === 'created'
        ? `created ${dayOf(known.since)}`
        : `already in the snapshot of ${dayOf(known.since)}`;
    return fail('low', `never logged in; ${since}, ${dayCount(wholeDays(ageMs))} ago; grace ${grace} days`);
  },
};

interface KnownSince {
  readonly since: string;
  /** Said in the detail, so a reader knows whether the age is the vendor's or rollcall's own. */
  readonly source: 'created' | 'snapshot';
}

/**
 * The provider's created date when it has one, else the stored snapshot the audit found the user
 * in (see first-seen.ts: the newest complete one older than the grace period, so the user has
 * been on the site at least since then). Undefined means the user first appears in this very
 * snapshot: age zero, always within grace.
 */
function knownSince(user: AuditedUser, history: UserHistory): KnownSince | undefined {
  if (typeof user.createdAt === 'string') return { since: user.createdAt, source: 'created' };
  const firstSeen = history.firstSeenAt;
  return firstSeen === undefined ? undefined : { since: firstSeen, source: 'snapshot' };
}
