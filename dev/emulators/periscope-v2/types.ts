/**
 * The record shapes of the Periscope "Users and Roles API for RBAC" (v2), as the emulator keeps
 * them. What the API sends differs in one place: a role whose id is hidden (the `rolesWithoutIds`
 * quirk) is sent without `id`, and users name it by its name instead (see ./serve.ts).
 */

export interface PeriscopeV2User {
  /** Opaque, server-generated; the listing is ordered by it. */
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  /** Role ids; every user is in "Everyone". */
  roles: string[];
  /** ISO-8601 with milliseconds and Z; null when the user never logged in. */
  last_login_at: string | null;
  /** ISO-8601 with milliseconds and Z; null for an invitation that was never accepted. */
  password_updated_at: string | null;
  tfa_enabled: boolean;
}

/** Role-wide rights by object type. */
export interface PeriscopeV2Privilege {
  object_type: string;
  permissions: string[];
}

/** A grant on one object; `object_id` is a dashboard id written as a string (as in S001). */
export interface PeriscopeV2Permission {
  object_type: string;
  object_id: string;
  permissions: string[];
}

export interface PeriscopeV2Role {
  id: string;
  name: string;
  description: string;
  privileges: PeriscopeV2Privilege[];
  permissions: PeriscopeV2Permission[];
}

/** Dashboard ids are integers, as elsewhere in the Periscope APIs (the embed API's `dashboard: 268359`). */
export interface PeriscopeV2Dashboard {
  id: number;
  name: string;
}

/** Every user is in it; it cannot be deleted or renamed. */
export const EVERYONE = 'Everyone';
export const ADMIN = 'Admin';
export const DASHBOARD = 'Dashboard';
