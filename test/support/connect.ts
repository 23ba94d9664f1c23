import type { Connector, ProviderAdapter } from '../../functions/providers/port.ts';
import { SiteError } from '../../functions/shared/errors.ts';
import { createHttpClient } from '../../functions/shared/http/create-http-client.ts';

export interface TestConnection<Credentials> {
  readonly baseUrl: string;
  readonly credentials: Credentials;
  readonly fetch?: typeof fetch;
  readonly maxRetries?: number;
  readonly concurrency?: number;
}

/**
 * A connector as the export builds one, with back-off and rate-limit waits shortened to milliseconds so retry tests do
 * not wait, and the adapter's own secrets scrubbed from errors.
 */
export function connectForTest<Credentials>(
  adapter: ProviderAdapter<Credentials>,
  connection: TestConnection<Credentials>,
): Connector {
  return adapter.connect({
    baseUrl: connection.baseUrl,
    credentials: connection.credentials,
    http: createHttpClient({
      baseDelayMs: 1,
      maxDelayMs: 5,
      maxRetries: connection.maxRetries ?? 3,
      timeoutMs: 5_000,
      secrets: adapter.secretsOf(connection.credentials),
      ...(adapter.rateLimited === undefined ? {} : { rateLimited: adapter.rateLimited, rateLimitWaitMs: 1 }),
      userAgent: 'rollcall/test',
      ...(connection.fetch === undefined ? {} : { fetch: connection.fetch }),
    }),
    ...(connection.concurrency === undefined ? {} : { concurrency: connection.concurrency }),
  });
}

/** The SiteError a promise rejects with; anything else fails the test. */
export async function siteErrorOf(promise: Promise<unknown>): Promise<SiteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SiteError) return error;
    throw error;
  }
  throw new Error('expected a SiteError');
}
