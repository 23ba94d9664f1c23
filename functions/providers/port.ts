import type { z } from 'zod';
import type { RestoreWriter } from '../restore/port.ts';
import type { ExportTarget, ProviderExport } from '../shared/export-model.ts';
import type { HttpClient } from '../shared/http/client.ts';
import type { Capabilities } from '../shared/model.ts';

// The shape of an export lives in the core model, beside the canonical records; re-exported here
// so adapters name everything of the port from one place.
export type {
  ExportObserver,
  ExportTarget,
  KeySorter,
  ListingReport,
  ProviderExport,
  ScratchSorting,
  UserSink,
  UserSinkOptions,
  UsersSummary,
} from '../shared/export-model.ts';

export type ProviderId = 'periscope-v1' | 'periscope-v2' | 'lumapps' | 'trivore';

export interface Connector {
  /** One cheap authenticated call: proves the credentials and the base URL work. */
  verify(): Promise<void>;
  /**
   * Every user and group of the site, with a report per listing. Users go to the target's sink
   * page by page as they arrive; only groups and the reports come back.
   */
  exportAll(target: ExportTarget): Promise<ProviderExport>;
  /** The writes a restore needs, over the same HTTP client; absent when the provider has none. */
  restoreWriter?(): RestoreWriter;
}

export interface ConnectOptions<Credentials> {
  readonly baseUrl: string;
  readonly credentials: Credentials;
  readonly http: HttpClient;
  /** Concurrent requests for fan-out work such as group details. */
  readonly concurrency?: number;
}

/** A provider adapter: the only provider-specific code behind the port. */
export interface ProviderAdapter<Credentials = unknown> {
  readonly id: ProviderId;
  readonly displayName: string;
  /** Used when a site's config has no `baseUrl`. */
  readonly defaultBaseUrl: string;
  readonly capabilities: Capabilities;
  readonly credentialsSchema: z.ZodType<Credentials>;
  /**
   * Which site of the provider these credentials and this base URL reach, in words, e.g.
   * `periscope site "acme" at https://app.periscopedata.com`. Kept in the manifest, so a restore
   * can refuse to write a snapshot into a different site. Never includes a secret.
   */
  originOf?(credentials: Credentials, baseUrl: string): string;
  /** The credential values that must never appear in an error or log (keys, secrets, tokens). */
  secretsOf(credentials: Credentials): readonly string[];
  /**
   * The provider's documented rate-limit answer when it is not a 429 (LumApps: 400 with the
   * reason `RATE_LIMIT_EXCEEDED`): the HTTP client waits and retries it like a 429.
   */
  readonly rateLimited?: (status: number, body: unknown) => boolean;
  connect(options: ConnectOptions<Credentials>): Connector;
}
