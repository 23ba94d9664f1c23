import type { UserStatus } from '../shared/model.ts';

/**
 * Disabled and locked accounts cannot sign in, so their login and password ages are not a risk:
 * they are counted as out of scope, not failed. `unknown` stays in scope, because a provider that
 * cannot tell must not hide its users from the audit.
 */
export function isInLoginScope(status: UserStatus): boolean {
  return status !== 'disabled' && status !== 'locked';
}
