/** The record shapes of the Trivore ID Management API (SDK 2.0 models), as the emulator sends them. */

export type TrivoreAccountType = 'PERSON' | 'LEGAL_ENTITY';
export type TrivoreMfaMethod = 'TOTP' | 'SMS' | 'NONE';

export interface TrivoreEmail {
  address: string;
  verified: boolean;
  name?: string;
  tags?: string[];
}

export interface TrivoreMobile {
  number: string;
  verified: boolean;
}

export interface TrivoreName {
  givenName: string;
  middleName: string;
  familyName: string;
}

export interface TrivoreMeta {
  /** ISO instants as Java's Instant#toString writes them: 0, 3 or 6 fraction digits, `Z`. */
  created: string;
  lastModified: string;
  /** The record's own URL; filled in once the server knows its address. */
  location: string;
}

export interface TrivoreUser {
  /** 24 lower-case hex characters (the platform id, not the sign-in name). */
  id: string;
  username: string;
  userAccountType: TrivoreAccountType;
  nsCode: string;
  emails: TrivoreEmail[];
  mobiles: TrivoreMobile[];
  name: TrivoreName;
  /** Group ids. */
  memberOf: string[];
  mfaMethod: TrivoreMfaMethod;
  locked: boolean;
  meta: TrivoreMeta;
}

export interface TrivoreGroup {
  id: string;
  name: string;
  /** Absent on groups created without one. */
  description?: string;
  nsCode: string;
  /** Parent group ids (nested groups). */
  memberOf: string[];
  meta: TrivoreMeta;
}

/**
 * The permissions the emulated Management API client needs, by route: `ACCOUNT_VIEW` is the name
 * the vendor's example gives; the others are inferred in its style.
 */
export type TrivorePermission =
  | 'ACCOUNT_VIEW'
  | 'ACCOUNT_CREATE'
  | 'ACCOUNT_MODIFY'
  | 'ACCOUNT_DELETE'
  | 'GROUP_VIEW'
  | 'GROUP_CREATE'
  | 'GROUP_MODIFY'
  | 'GROUP_DELETE';
