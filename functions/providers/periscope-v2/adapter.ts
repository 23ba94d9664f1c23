import { periscopeCredentialsSchema } from '../periscope-v1/adapter.ts';
import type { Connector, ProviderAdapter } from '../port.ts';
import { createPeriscopeV2Api, type PeriscopeV2Credentials } from './api.ts';
import { exportSite } from './export-site.ts';
import { fetchUsersPage } from './list-users.ts';
import { periscopeV2RestoreWriter } from './restore-writer.ts';
import { RoleDirectory } from './role-directory.ts';

export type { PeriscopeV2Credentials } from './api.ts';

/**
 * Periscope's Users and Roles API for RBAC: users under /api/v2 keyed by their id, roles (the
 * canonical groups) and dashboards under /api/v1. Same host, header and audit fields as v1; no
 * status and no creation date.
 */
export const periscopeV2: ProviderAdapter<PeriscopeV2Credentials> = {
  id: 'periscope-v2',
  displayName: 'Periscope Data (v2, RBAC)',
  defaultBaseUrl: 'https://app.periscopedata.com',
  capabilities: {
    lastLogin: true,
    mfa: true,
    passwordUpdated: true,
    createdAt: false,
    status: false,
    privilege: {
      shownBy:
        'members of the role "Admin" and of roles whose privileges manage the site, its users or its roles',
      // The site's built-in administrators' role (the vendor's example id is "0000-admin-1111-id").
      groupNames: ['Admin'],
      groupFlag: true,
      userFlag: false,
    },
  },
  // The same credentials as v1: one site name and one key for both APIs.
  credentialsSchema: periscopeCredentialsSchema,
  originOf: (credentials, baseUrl) => `Periscope site "${credentials.site}" at ${baseUrl}`,
  secretsOf: (credentials) => [credentials.apiKey],
  connect({ baseUrl, credentials, http }): Connector {
    const api = createPeriscopeV2Api(baseUrl, credentials, http);
    return {
      async verify() {
        (await fetchUsersPage(api, null, 1, new RoleDirectory([]))).read();
      },
      restoreWriter: () => periscopeV2RestoreWriter(api),
      exportAll(target) {
        return exportSite(api, target);
      },
    };
  },
};
