import {
  createPeriscopeV1Api,
  type PeriscopeV1Api,
  type PeriscopeV1Credentials,
} from '../periscope-v1/api.ts';

/** The same vendor, host, header and key as v1: only the paths differ. */
export type PeriscopeV2Credentials = PeriscopeV1Credentials;
export type PeriscopeV2Api = PeriscopeV1Api;
export const createPeriscopeV2Api = createPeriscopeV1Api;

/** The page size v1 documents; v2 presumably shares it (the vendor's v2 page is not retrievable). */
export const periscopePageSize = 100;

// The vendor splits the API: users under /api/v2, roles and dashboards under /api/v1.
export const usersPath = '/api/v2/users';
export const rolesPath = '/api/v1/roles';
export const dashboardsPath = '/api/v1/dashboards';
