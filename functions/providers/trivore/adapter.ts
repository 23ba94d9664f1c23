import * as z from 'zod';
import type { Connector, ProviderAdapter } from '../port.ts';
import { basicToken, createTrivoreApi, type TrivoreCredentials } from './api.ts';
import { exportSite } from './export-site.ts';
import { usersPageRequest } from './list-users.ts';
import { fetchOffsetPage } from './listing-page.ts';
import { createTrivoreRestoreWriter, trivoreWrites } from './restore-writer.ts';

export type { TrivoreCredentials } from './api.ts';

/** The documented largest page: fewest requests, and the server cuts anything larger. */
export const trivoreMaxPageSize = 500;
/** Requests in flight when the site's config does not say. */
export const defaultConcurrency = 8;

// Messages name the rule, never the value: a secret pasted into the wrong field must not be echoed.
const credentialsSchema: z.ZodType<TrivoreCredentials> = z.strictObject({
  clientId: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'the Management API client id is missing'
          : 'the client id must be a JSON string: quote it ("9939129297585525"), a 16-digit number loses digits as a JSON number',
    })
    .min(1, 'the client id is empty')
    .regex(/^[^:\s]+$/, 'the client id has spaces, line breaks or a colon'),
  clientSecret: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'the client secret is missing' : 'the client secret must be a string',
    })
    .min(1, 'the client secret is empty')
    .refine((secret) => !/\p{Cc}/u.test(secret), 'the client secret has line breaks or control characters'),
});

export interface TrivoreAdapterOptions {
  /** `count` asked for on every page, 1–500. Default 500. */
  readonly pageSize?: number;
}

/** The adapter with a page size of choice: tests use small pages to cover many boundaries cheaply. */
export function createTrivoreAdapter(
  options: TrivoreAdapterOptions = {},
): ProviderAdapter<TrivoreCredentials> {
  const pageSize = options.pageSize ?? trivoreMaxPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > trivoreMaxPageSize) {
    throw new RangeError(`pageSize must be an integer from 1 to ${trivoreMaxPageSize}`);
  }
  return {
    id: 'trivore',
    displayName: 'Trivore ID',
    defaultBaseUrl: 'https://fi.trivoreid.com',
    // No last-login and no password-changed field in the API: those audits are UNAVAILABLE.
    capabilities: {
      lastLogin: false,
      mfa: true,
      passwordUpdated: false,
      createdAt: true,
      status: true,
      // Trivore grants administration through roles, which its user and group listings do not carry
      // (one request per user would): only the groups named in audit.privilegedGroups show it.
      privilege: {
        shownBy: 'roles, which its user and group listings do not carry',
        groupNames: [],
        groupFlag: false,
        userFlag: false,
      },
    },
    credentialsSchema,
    // The Basic token is the secret in another spelling: scrubbed too, should it ever be quoted.
    originOf: (credentials, baseUrl) => `Trivore ID at ${baseUrl} (client ${credentials.clientId})`,
    secretsOf: (credentials) => [credentials.clientSecret, basicToken(credentials)],
    connect({ baseUrl, credentials, http, concurrency }): Connector {
      const api = createTrivoreApi(baseUrl, credentials, http);
      return {
        async verify() {
          await fetchOffsetPage(usersPageRequest(api, 1), 0);
        },
        exportAll(target) {
          return exportSite(api, { pageSize, concurrency: concurrency ?? defaultConcurrency }, target);
        },
        restoreWriter() {
          return createTrivoreRestoreWriter(api, trivoreWrites(baseUrl, credentials, http));
        },
      };
    },
  };
}

export const trivore: ProviderAdapter<TrivoreCredentials> = createTrivoreAdapter();
