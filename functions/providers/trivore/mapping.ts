import { type CanonicalGroup, type CanonicalUser, compareKeys, type UserStatus } from '../../shared/model.ts';
import type { GroupRecord, UserRecord } from './schemas.ts';

/**
 * The address a user is known by: the first verified one, else the first one. A verified
 * address is the one the user proved they own; an unverified first entry is often a typo or an
 * old address kept around, and audit exceptions and history look users up by e-mail.
 */
export function primaryEmail(record: UserRecord): string | undefined {
  let first: string | undefined;
  for (const email of record.emails ?? []) {
    const address = email.address;
    if (typeof address !== 'string' || address === '') continue;
    if (email.verified === true) return address;
    first ??= address;
  }
  return first;
}

/** Group ids once each, in key order; most users list a few, already distinct. */
function groupKeys(memberOf: readonly string[] | null | undefined): string[] {
  if (!memberOf || memberOf.length === 0) return [];
  return [...new Set(memberOf)].sort(compareKeys);
}

/** `locked` is Trivore's only status signal; a record without it says nothing either way. */
export function statusOf(record: UserRecord): UserStatus {
  if (record.locked === true) return 'locked';
  return record.locked === false ? 'active' : 'unknown';
}

/** Any method but NONE is a second factor (the SDK knows TOTP and SMS; a new one still counts). */
export function mfaEnabledOf(record: UserRecord): boolean | null {
  const method = record.mfaMethod?.trim();
  if (method === undefined || method === '') return null;
  return method.toUpperCase() !== 'NONE';
}

/**
 * A validated user in the canonical model, keyed by the platform id. Trivore has no last-login
 * and no password-changed field, so both stay absent (not null): the audit then reports those
 * rules UNAVAILABLE instead of treating every user as "never logged in".
 */
export function toCanonicalUser(record: UserRecord, raw: unknown): CanonicalUser {
  const email = primaryEmail(record);
  return {
    key: record.id,
    id: record.id,
    ...(email === undefined ? {} : { email }),
    firstName: record.name?.givenName ?? '',
    lastName: record.name?.familyName ?? '',
    status: statusOf(record),
    groups: groupKeys(record.memberOf),
    mfaEnabled: mfaEnabledOf(record),
    createdAt: record.meta?.created ?? null,
    raw,
  };
}

export function toCanonicalGroup(record: GroupRecord, raw: unknown, memberCount: number): CanonicalGroup {
  return {
    key: record.id,
    id: record.id,
    name: record.name,
    ...(typeof record.description === 'string' ? { description: record.description } : {}),
    memberCount,
    raw,
  };
}
