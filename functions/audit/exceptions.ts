import type { AuditSettings } from '../config/schema.ts';
import { DAY_MS } from './days.ts';
import type { AppliedException, AuditedUser, AuditRuleId } from './model.ts';

type AuditException = AuditSettings['exceptions'][number];

/** The exception for a failing user and rule, already marked expired or not at the snapshot's time. */
export type ExceptionLookup = (rule: AuditRuleId, user: AuditedUser) => AppliedException | undefined;

/**
 * Indexes exceptions once by rule and lower-cased user, so a FAIL costs two map look-ups. An
 * exception's `user` may be an email or a key and both match case-insensitively: keys of email-keyed
 * providers are lower-cased emails anyway, and people type addresses with any case.
 */
export function exceptionLookup(
  exceptions: readonly AuditException[],
  scheduledAtMs: number,
): ExceptionLookup {
  const byRule = new Map<AuditRuleId, Map<string, AppliedException>>();
  for (const exception of exceptions) {
    let byUser = byRule.get(exception.rule);
    if (byUser === undefined) {
      byUser = new Map();
      byRule.set(exception.rule, byUser);
    }
    const user = exception.user.toLowerCase();
    const candidate = applied(exception, scheduledAtMs);
    const current = byUser.get(user);
    byUser.set(user, current === undefined ? candidate : preferred(current, candidate));
  }

  return (rule, user) => {
    const byUser = byRule.get(rule);
    if (byUser === undefined) return undefined;
    const byKey = byUser.get(user.key.toLowerCase());
    const byEmail = user.email === undefined ? undefined : byUser.get(user.email.toLowerCase());
    if (byKey === undefined || byEmail === undefined) return byKey ?? byEmail;
    return preferred(byKey, byEmail);
  };
}

/**
 * Valid through the end of its `expires` day (UTC): until midnight that starts the next day. An
 * unreadable day gives NaN, and NaN comparisons are false, so it counts as expired rather than forever.
 */
function applied(exception: AuditException, scheduledAtMs: number): AppliedException {
  const endsAt = Date.parse(`${exception.expires}T00:00:00Z`) + DAY_MS;
  return {
    reason: exception.reason,
    owner: exception.owner,
    expires: exception.expires,
    expired: !(scheduledAtMs < endsAt),
  };
}

/**
 * When several exceptions match, one still in force wins over expired ones, then the one lasting
 * longest (ISO days compare as strings); on a tie the first listed stays, so the outcome is stable.
 */
function preferred(current: AppliedException, next: AppliedException): AppliedException {
  if (current.expired !== next.expired) return current.expired ? next : current;
  return next.expires > current.expires ? next : current;
}
