import type { AuditedUser } from '../audit/model.ts';
import { fieldChanges, NO_CHANGES } from './field-changes.ts';
import type { FieldChange, UserRef } from './model.ts';

/**
 * The user fields a diff lists, in the order it lists them. `lastLoginAt` is left out because it
 * moves for every active user every night — listing it would bury the real changes (it is counted
 * as activity instead); `groups` is left out because it is reported as memberships.
 */
export const userDiffFields = [
  'id',
  'email',
  'firstName',
  'lastName',
  'status',
  'passwordUpdatedAt',
  'mfaEnabled',
  'createdAt',
] as const satisfies readonly (keyof AuditedUser)[];

export function userFieldChanges(before: AuditedUser, after: AuditedUser): readonly FieldChange[] {
  // Nearly every user is unchanged: settle that with plain property reads, which are several
  // times faster than the generic loop's computed ones on 200,000 users. Keep in step with
  // `userDiffFields` (the per-field tests catch a field missing here).
  if (
    before.id === after.id &&
    before.email === after.email &&
    before.firstName === after.firstName &&
    before.lastName === after.lastName &&
    before.status === after.status &&
    before.passwordUpdatedAt === after.passwordUpdatedAt &&
    before.mfaEnabled === after.mfaEnabled &&
    before.createdAt === after.createdAt
  ) {
    return NO_CHANGES;
  }
  return fieldChanges(before, after, userDiffFields);
}

/** Activity, not a change: `null` → a date is a first login, and counts. */
export function lastLoginMoved(before: AuditedUser, after: AuditedUser): boolean {
  return before.lastLoginAt !== after.lastLoginAt;
}

/** `groups` should be the user's distinct group keys, sorted (see `distinctSortedGroups`). */
export function userRef(user: AuditedUser, groups: readonly string[]): UserRef {
  return user.email === undefined ? { key: user.key, groups } : { key: user.key, email: user.email, groups };
}
