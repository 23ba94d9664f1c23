import { type CanonicalGroup, type CanonicalUser, compareKeys } from '../../shared/model.ts';
import type { GroupDetail, GroupRecord, UserRecord } from './schemas.ts';

/** v1 has no user id: the lower-cased email is the identity diffs key on. */
export function userKey(email: string): string {
  return email.toLowerCase();
}

/** Group names are the only group identity v1 has (users reference groups by name). */
export function groupKey(name: string): string {
  return name;
}

/**
 * A validated user record in the canonical model. `status` is `unknown`: v1 has no status field,
 * and guessing `active` or `invited` from a missing login would invent data the audit then trusts.
 * `createdAt` stays absent: v1 does not have it.
 */
export function toCanonicalUser(record: UserRecord, raw: unknown): CanonicalUser {
  return {
    key: userKey(record.email),
    email: record.email,
    firstName: record.first_name ?? '',
    lastName: record.last_name ?? '',
    status: 'unknown',
    groups: [...new Set(record.groups.map(groupKey))].sort(compareKeys),
    // Already normalised to UTC with Z by the schema.
    lastLoginAt: record.last_login_at,
    passwordUpdatedAt: record.password_updated_at,
    mfaEnabled: record.tfa_enabled,
    raw,
  };
}

/**
 * A group in the canonical model. `raw` is the single-group record (with its dashboards) when it
 * could be read, else the listing record.
 */
export function toCanonicalGroup(
  record: GroupDetail | GroupRecord,
  raw: unknown,
  memberCount: number,
): CanonicalGroup {
  return { key: groupKey(record.name), name: record.name, access: record.access, memberCount, raw };
}
