import * as z from 'zod';

/**
 * The canonical model every provider maps into. `undefined` (key absent) means the provider
 * does not have the field; `null` means it has the field and it is empty — audits depend on it.
 */
export const userStatuses = ['active', 'disabled', 'locked', 'invited', 'unknown'] as const;
export type UserStatus = (typeof userStatuses)[number];

const isoUtc = z.iso.datetime({ offset: false });

export const canonicalUserSchema = z.strictObject({
  key: z.string().min(1),
  id: z.string().optional(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  status: z.enum(userStatuses),
  groups: z.array(z.string()),
  lastLoginAt: isoUtc.nullable().optional(),
  passwordUpdatedAt: isoUtc.nullable().optional(),
  mfaEnabled: z.boolean().nullable().optional(),
  createdAt: isoUtc.nullable().optional(),
  /**
   * Whether the source's own record marks the user an administrator (LumApps' `isSuperAdmin`);
   * absent where the source shows administration through groups only.
   */
  admin: z.boolean().optional(),
  raw: z.unknown(),
});
export type CanonicalUser = z.infer<typeof canonicalUserSchema>;

/** A user without its raw provider record: what the audit and the diff work on. */
export const userFieldsSchema = canonicalUserSchema.omit({ raw: true });
export type UserFields = z.infer<typeof userFieldsSchema>;

export const canonicalGroupSchema = z.strictObject({
  key: z.string().min(1),
  id: z.string().optional(),
  name: z.string(),
  access: z.string().optional(),
  description: z.string().optional(),
  memberCount: z.number().int().nonnegative(),
  /**
   * Whether membership confers administration by the group's own rights (a Periscope v2 role whose
   * privileges manage the site); absent where the source's groups carry no rights.
   */
  admin: z.boolean().optional(),
  raw: z.unknown(),
});
export type CanonicalGroup = z.infer<typeof canonicalGroupSchema>;

export const groupFieldsSchema = canonicalGroupSchema.omit({ raw: true });
export type GroupFields = z.infer<typeof groupFieldsSchema>;

/**
 * The order of keys in every snapshot file: plain code units, the same on every machine
 * (locale-aware comparison is not).
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Which audit fields a provider has; a rule whose field is missing reports UNAVAILABLE. */
export interface Capabilities {
  readonly lastLogin: boolean;
  readonly mfa: boolean;
  readonly passwordUpdated: boolean;
  readonly createdAt: boolean;
  readonly status: boolean;
  /** How the source shows who administers the site. */
  readonly privilege: PrivilegeEvidence;
}

/**
 * How a source shows administrators in what rollcall reads, declared by its adapter and recorded
 * in the manifest. `audit.privilegedGroups` adds group names to it; `audit/privileged.ts` decides.
 */
export interface PrivilegeEvidence {
  /** For people: "members of the group \"Administrators\"". */
  readonly shownBy: string;
  /** Group names that confer administration on this source, matched ignoring case. */
  readonly groupNames: readonly string[];
  /** The connector sets `admin: true` on groups whose own rights grant administration. */
  readonly groupFlag: boolean;
  /** The connector sets `admin: true` on users the source marks as administrators. */
  readonly userFlag: boolean;
}
