import type { SiteConfig } from '../config/schema.ts';
import type { Connector, ProviderAdapter } from '../providers/port.ts';
import type { HttpClient } from '../shared/http/client.ts';
import { createHttpClient } from '../shared/http/create-http-client.ts';

export interface ConnectDeps {
  /** Replaces the HTTP client's own transport; tests use it to shape responses. */
  readonly fetch?: typeof fetch;
  readonly toolVersion: string;
  /** Injected so tests need not wait for real back-off delays. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A connector for one site, with that site's HTTP limits and its secrets scrubbed from errors. */
export function connectSite<Credentials>(
  site: SiteConfig,
  adapter: ProviderAdapter<Credentials>,
  credentials: Credentials,
  deps: ConnectDeps,
  /** Wraps the site's HTTP client: a sliced export's replaying, recording journal. */
  wrapHttp: (http: HttpClient) => HttpClient = (http) => http,
): Connector {
  return adapter.connect({
    baseUrl: site.baseUrl ?? adapter.defaultBaseUrl,
    credentials,
    concurrency: site.http.concurrency,
    http: wrapHttp(
      createHttpClient({
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
        timeoutMs: site.http.timeoutSeconds * 1000,
        maxRetries: site.http.maxRetries,
        maxResponseBytes: site.http.maxResponseBytes,
        ...(site.http.requestsPerSecond === undefined
          ? {}
          : { requestsPerSecond: site.http.requestsPerSecond }),
        ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
        secrets: adapter.secretsOf(credentials),
        ...(adapter.rateLimited === undefined ? {} : { rateLimited: adapter.rateLimited }),
        userAgent: `rollcall/${deps.toolVersion}`,
      }),
    ),
  });
}

/** Which site of the provider a site's config and credentials reach (the base URL at least). */
export function originOf<Credentials>(
  site: SiteConfig,
  adapter: ProviderAdapter<Credentials>,
  credentials: Credentials,
): string {
  const baseUrl = site.baseUrl ?? adapter.defaultBaseUrl;
  return adapter.originOf?.(credentials, baseUrl) ?? `${adapter.displayName} at ${baseUrl}`;
}
