import * as z from 'zod';
import type { Connector, ProviderAdapter } from '../port.ts';
import { createPeriscopeV1Api, type PeriscopeV1Credentials } from './api.ts';
import { exportSite } from './export-site.ts';
import { fetchUsersPage } from './list-users.ts';
import { periscopeV1RestoreWriter } from './restore-writer.ts';

export type { PeriscopeV1Credentials } from './api.ts';

/** Concurrent group-detail requests when the site's config does not say. */
export const defaultDetailConcurrency = 8;

// Messages name the rule, never the value: a key pasted into the wrong field must not be echoed.
export const periscopeCredentialsSchema: z.ZodType<PeriscopeV1Credentials> = z.strictObject({
  site: z
    .string()
    .min(1, 'the site name is empty')
    .regex(/^[^\s:]+$/, 'the site name (as in dashboard URLs .../app/<site>) has no spaces or colons'),
  apiKey: z
    .string()
    .min(1, 'the API key is empty')
    .regex(/^[\x21-\x7e]+$/, 'the API key has spaces, line breaks or non-ASCII characters'),
});

export const periscopeV1: ProviderAdapter<PeriscopeV1Credentials> = {
  id: 'periscope-v1',
  displayName: 'Sisense for Cloud Data Teams (Periscope Data) User and Group Management API v1',
  defaultBaseUrl: 'https://app.periscopedata.com',
  capabilities: {
    lastLogin: true,
    mfa: true,
    passwordUpdated: true,
    createdAt: false,
    status: false,
    // Every Periscope site has this built-in group; its members administer the site (S004).
    privilege: {
      shownBy: 'members of the group "Administrators"',
      groupNames: ['Administrators'],
      groupFlag: false,
      userFlag: false,
    },
  },
  credentialsSchema: periscopeCredentialsSchema,
  originOf: (credentials, baseUrl) => `Periscope site "${credentials.site}" at ${baseUrl}`,
  secretsOf: (credentials) => [credentials.apiKey],
  connect({ baseUrl, credentials, http, concurrency }): Connector {
    const api = createPeriscopeV1Api(baseUrl, credentials, http);
    return {
      async verify() {
        (await fetchUsersPage(api, null, 1)).read();
      },
      restoreWriter: () => periscopeV1RestoreWriter(api),
      exportAll(target) {
        return exportSite(api, concurrency ?? defaultDetailConcurrency, target);
      },
    };
  },
};
