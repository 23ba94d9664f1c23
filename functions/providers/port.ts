import type { z } from 'zod';
import type { RestoreWriter } from '../restore/port.ts';
import type { HttpClient } from '../shared/http/client.ts';
import type { CanonicalGroup, CanonicalUser, Capabilities } from '../shared/model.ts';

export type ProviderId = 'periscope-v1' | 'periscope-v2' | 'lumapps' | 'trivore';

/** How one listing (users, groups, group details…) ended; the manifest's `source` entries. */
export interface ListingReport {
  readonly pages: number;
  /** The total the API reported, or null when it reports none. */
  readonly reportedTotal: number | null;
  readonly uniqueRecords: number;
  readonly duplicatesDropped: number;
  readonly retries: number;
  readonly complete: boolean;
  /** Why the listing is not complete, for people. */
  readonly reason?: string;
  /**
   * What a person should know even when the listing is complete, e.g. "role \"Viewers\" came back
   * without an id; keyed by its name". Kept in the manifest.
   */
  readonly warnings?: readonly string[];
}

export interface ProviderExport {
  /** Sorted by key, de-duplicated. */
  readonly users: CanonicalUser[];
  /** Sorted by key, de-duplicated, memberCount filled. */
  readonly groups: CanonicalGroup[];
  readonly listings: Readonly<Record<string, ListingReport>>;
}

/** Watches an export as it runs: for progress bars, and to write users while the listing pages. */
export interface ExportObserver {
  /** Called after each page: listing name, records so far, reported total when known. */
  page?(listing: string, records: number, total: number | null): void;
  /**
   * The users a page added, de-duplicated, in the order they arrived. Together the calls hold
   * every user of the export's result once; the result may still order them differently.
   */
  users?(batch: readonly CanonicalUser[]): void;
  /** Called once when the site's export has ended, however it ended. */
  finish?(): void;
}

export interface Connector {
  /** One cheap authenticated call: proves the credentials and the base URL work. */
  verify(): Promise<void>;
  /** Every user and group of the site, with a report per listing. */
  exportAll(observer?: ExportObserver): Promise<ProviderExport>;
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
  connect(options: ConnectOptions<Credentials>): Connector;
}
