import type { Connector, ProviderAdapter } from '../port.ts';
import { createLumAppsApi } from './api.ts';
import { credentialsSchema, type LumAppsCredentials } from './credentials.ts';
import { exportSite } from './export-site.ts';
import { usersRoute } from './list-users.ts';
import { fetchListingPage, listingParams } from './listing-page.ts';
import { isLumAppsRateLimit } from './rate-limit.ts';
import { createLumAppsRestoreWriter } from './restore-writer.ts';
import { userIdSchema } from './schemas.ts';
import { basicAuthorization } from './token.ts';

export type { LumAppsCredentials } from './credentials.ts';

/** Concurrent single-user reads (users that joined mid-listing) when the site's config does not say. */
export const defaultReadConcurrency = 4;

export const lumapps: ProviderAdapter<LumAppsCredentials> = {
  id: 'lumapps',
  displayName: 'LumApps',
  // Each customer sits on a cell; this is the documented example, a site's baseUrl names its own.
  defaultBaseUrl: 'https://go-cell-001.api.lumapps.com',
  capabilities: {
    lastLogin: false,
    mfa: false,
    passwordUpdated: false,
    createdAt: true,
    status: true,
    privilege: {
      shownBy:
        'users marked super administrator of the platform or of a site (isSuperAdmin, instancesSuperAdmin, isGod)',
      groupNames: [],
      groupFlag: false,
      userFlag: true,
    },
  },
  credentialsSchema,
  // The Basic header is the secret in another spelling. The bearer token is obtained later; it
  // only ever travels in the Authorization header, which no message or error includes.
  originOf: (credentials, baseUrl) => `LumApps organization ${credentials.organizationId} at ${baseUrl}`,
  secretsOf: (credentials) => [
    credentials.clientSecret,
    basicAuthorization(credentials).slice('Basic '.length),
  ],
  rateLimited: isLumAppsRateLimit,
  connect({ baseUrl, credentials, http, concurrency }): Connector {
    const api = createLumAppsApi(baseUrl, credentials, http);
    return {
      async verify() {
        // One page of one user proves the client, the admin user, the cell and the read access.
        const page = await fetchListingPage(api, {
          route: usersRoute,
          params: listingParams(
            [
              ['showHidden', 'true'],
              ['maxResults', '1'],
              ['fields', 'items(id),cursor,more'],
            ],
            null,
          ),
          what: 'the first page of the users listing',
          item: userIdSchema,
          map: (record) => record,
        });
        page.read();
      },
      exportAll(target) {
        return exportSite(api, concurrency ?? defaultReadConcurrency, target);
      },
      // Over the same API client (token, retries, pacing, scrubbing) as the export.
      restoreWriter: () => createLumAppsRestoreWriter(api),
    };
  },
};
