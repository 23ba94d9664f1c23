/** The record shapes of the Periscope v1 User and Group Management API, as it sends them. */

/** How the API spells access levels on output; input is matched case-insensitively. */
export type PeriscopeV1Access = 'Sql' | 'View' | 'Discovery';

export interface PeriscopeV1User {
  first_name: string;
  last_name: string;
  email: string;
  /** Group names; every user created through the API is in "All Users". */
  groups: string[];
  /** ISO-8601 with milliseconds and Z; null when the user never logged in. */
  last_login_at: string | null;
  /** ISO-8601 with milliseconds and Z; null for an invitation that was never accepted. */
  password_updated_at: string | null;
  tfa_enabled: boolean;
}

export interface PeriscopeV1Dashboard {
  name: string;
  /** "Edit" or "View" in the vendor's examples; free text here. */
  access: string;
}

export interface PeriscopeV1Group {
  name: string;
  access: PeriscopeV1Access;
  /** Only the single-group GET shows these; the API cannot set them. */
  dashboards: PeriscopeV1Dashboard[];
}

export const ALL_USERS = 'All Users';
export const ADMINISTRATORS = 'Administrators';
