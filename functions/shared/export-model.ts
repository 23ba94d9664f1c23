import type { Traffic } from './http/traffic.ts';
import type { CanonicalGroup, CanonicalUser, Capabilities } from './model.ts';

/**
 * The shape of an export, shared by the provider adapters (which produce it) and the snapshot
 * writer (which stores it). It lives in the core model, beside the canonical records, so
 * `snapshot/` and `audit/` need nothing from `providers/`.
 *
 * Memory scales with groups, never with users: users are handed to a `UserSink` page by page and
 * never kept by a connector; groups (and counts per group) may be kept.
 */

/** How one listing (users, groups, group details…) ended; the manifest's `source` entries. */
export interface ListingReport {
  readonly pages: number;
  /** The total the API reported, or null when it reports none. */
  readonly reportedTotal: number | null;
  readonly uniqueRecords: number;
  readonly duplicatesDropped: number;
  readonly retries: number;
  /** Every different total the API reported, in order of first appearance, when there was more than one. */
  readonly reportedTotals?: readonly number[];
  readonly complete: boolean;
  /** Why the listing is not complete, for people. */
  readonly reason?: string;
  /**
   * What a person should know even when the listing is complete, e.g. "role \"Viewers\" came back
   * without an id; keyed by its name". Kept in the manifest.
   */
  readonly warnings?: readonly string[];
}

/**
 * What the users a sink was given came to, once it has sorted them and dropped duplicates.
 * Everything here is counted after de-duplication.
 */
export interface UsersSummary {
  /** Users kept: one per key. */
  readonly uniqueUsers: number;
  /** Records dropped because a record with the same key arrived later (the later one is kept). */
  readonly duplicatesDropped: number;
  /**
   * Of the dropped records, those that were not the same record as the one kept (as the
   * connector's `sameUser` judges it), with the first such key: two different users under one key.
   */
  readonly differingDuplicates: number;
  readonly firstDifferingKey?: string;
  /** Memberships kept, over all users. */
  readonly memberships: number;
  /** Members per group key, over the users kept. Scales with groups. */
  readonly membersByGroup: ReadonlyMap<string, number>;
}

/**
 * Where a connector hands over users as pages arrive. The sink spills to disk, sorts by key and
 * drops duplicates (the later arrival wins); the connector keeps none of them.
 */
export interface UserSink {
  /**
   * One page's users, in the order they arrived, duplicates and all. Await it: it resolves when
   * the sink can take more, which is how a fast API is kept from filling memory.
   */
  add(batch: readonly CanonicalUser[]): Promise<void>;
  /**
   * Forgets every user added so far: a listing that is read again from the start (an offset
   * listing whose first read did not add up) hands over the second read only.
   */
  restart(): Promise<void>;
  /**
   * Users to leave out although they were added (users a later check found gone). Small: the
   * caller bounds how many.
   */
  exclude(keys: Iterable<string>): void;
  /** No more users: sorts, de-duplicates and writes them, and says what they came to. Once. */
  close(): Promise<UsersSummary>;
}

export interface UserSinkOptions {
  /**
   * Whether two records with one key are the same record seen twice (an inclusive cursor) rather
   * than two different users; a difference is counted in `differingDuplicates`. Default: always
   * the same record.
   */
  sameUser?(kept: CanonicalUser, other: CanonicalUser): boolean;
}

/** Watches an export as it runs, for progress bars. */
export interface ExportObserver {
  /** Called after each page: listing name, records so far, reported total when known. */
  page?(listing: string, records: number, total: number | null): void;
  /** Called once when the site's export has ended, however it ended. */
  finish?(): void;
}

/** What a connector is given to export into. */
export interface ExportTarget {
  /**
   * Opens the sink for the site's users. Called once per export, before the first user arrives.
   */
  openUsers(options?: UserSinkOptions): UserSink;
  /**
   * A scratch sorter for the connector's own large, key-ordered work (LumApps' id check), spilled
   * beside the users' and removed with them.
   */
  readonly scratch: ScratchSorting;
  readonly observer?: ExportObserver;
}

/** Sorts plain string keys out of memory; see `ExternalKeySorter`. */
export interface ScratchSorting {
  openKeySorter(): KeySorter;
}

/** Keys in, keys out in order, each key once; memory bounded, spilled to disk beyond the budget. */
export interface KeySorter {
  add(key: string): Promise<void>;
  /** Every distinct key, ascending (`compareKeys`). Once; the spill files are removed after. */
  sorted(): AsyncIterable<string>;
  /** Removes the spill files without reading them. Safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * An export's result: the users went to the sink, so only the groups and the listing reports
 * come back. Groups are sorted by key and de-duplicated, with `memberCount` filled from the
 * users' summary.
 */
export interface ProviderExport {
  readonly groups: CanonicalGroup[];
  readonly listings: Readonly<Record<string, ListingReport>>;
  /** What each listing's requests cost and what their bodies hid, by listing name. */
  readonly traffic?: Readonly<Record<string, Traffic>>;
  /** What the users came to (from `UserSink.close()`). */
  readonly users: UsersSummary;
}

export type { Capabilities };
