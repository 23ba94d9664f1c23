import { notReported } from '../context.ts';
import { type AuditRule, fail, pass, unknown } from '../rule.ts';

/**
 * Every status is in scope: DESIGN.md only spares disabled and locked accounts from the login and
 * password rules, and an account without two-factor is a risk the day it is re-enabled.
 */
export const mfaMissing: AuditRule = {
  id: 'mfa-missing',
  unavailableReason: (context) => (context.capabilities.mfa ? undefined : notReported(context, 'mfaEnabled')),
  judge(user, context) {
    if (user.mfaEnabled === true) return pass;
    const privileged = context.privileged.describe(user);
    const severity = privileged === '' ? 'medium' : 'high';
    const membership = privileged === '' ? '' : `; ${privileged}`;
    if (user.mfaEnabled === false) return fail(severity, `two-factor authentication is off${membership}`);
    // The provider has the field, so an empty or missing value is a gap to look at, not a pass.
    const gap =
      user.mfaEnabled === null
        ? 'two-factor status is empty for this user'
        : "two-factor status is missing from this user's record";
    return unknown(severity, `${gap}${membership}`);
  },
};
