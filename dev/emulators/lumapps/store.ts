import { createRng, type Rng } from '../shared/prng.ts';
import { compareIds, generateUser, naiveTimestamp, newId, type SiteData, type UserContext } from './data.ts';
import type { LumAppsFeed, LumAppsUser } from './types.ts';

/**
 * Records kept in id order, so a cursor (the last id served) is one binary search away from its
 * page: paging 50,000 users must cost next to nothing per request.
 */
export class IdTable<T extends { id: string }> {
  private entries: T[];

  constructor(records: readonly T[], what: string) {
    this.entries = [...records].sort((a, b) => compareIds(a.id, b.id));
    for (let i = 1; i < this.entries.length; i++) {
      if (this.entries[i - 1]?.id === this.entries[i]?.id) {
        throw new Error(`duplicate ${what} id: ${this.entries[i]?.id}`);
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Index of the first record whose id is > id. */
  private after(id: string): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as T).id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: string): T | undefined {
    const index = this.after(id) - 1;
    const entry = this.entries[index];
    return entry?.id === id ? entry : undefined;
  }

  all(): T[] {
    return [...this.entries];
  }

  find(predicate: (record: T) => boolean): T | undefined {
    return this.entries.find(predicate);
  }

  /**
   * Up to `limit` matching records after the id `after` ('' = from the start), and whether
   * another matching record follows them.
   */
  page(after: string, limit: number, matches: (record: T) => boolean): { records: T[]; more: boolean } {
    const records: T[] = [];
    for (let i = this.after(after); i < this.entries.length; i++) {
      const record = this.entries[i] as T;
      if (!matches(record)) continue;
      if (records.length === limit) return { records, more: true };
      records.push(record);
    }
    return { records, more: false };
  }

  /** Returns false when a record with the same id exists. */
  insert(record: T): boolean {
    if (this.get(record.id) !== undefined) return false;
    this.entries.splice(this.after(record.id), 0, record);
    return true;
  }

  remove(id: string): T | undefined {
    const index = this.after(id) - 1;
    if (this.entries[index]?.id !== id) return undefined;
    return this.entries.splice(index, 1)[0];
  }
}

export interface UserFilter {
  readonly showHidden: boolean;
  readonly status: 'enabled' | 'disabled' | undefined;
  /** Members (LIVE subscription) of any of these feeds; empty = no restriction. */
  readonly feeds: readonly string[];
  /** Account types; empty = no restriction. */
  readonly types: readonly string[];
}

/** The schema's defaults: a record without `status` is enabled, without `isHidden` visible. */
export const statusOf = (user: LumAppsUser): string => user.status ?? 'enabled';
export const isMember = (user: LumAppsUser, feed: string): boolean =>
  user.subscriptions.some((subscription) => subscription.feed === feed && subscription.status === 'LIVE');

export function userMatches(filter: UserFilter): (user: LumAppsUser) => boolean {
  return (user) =>
    (filter.showHidden || user.isHidden !== true) &&
    (filter.status === undefined || statusOf(user) === filter.status) &&
    (filter.feeds.length === 0 || filter.feeds.some((feed) => isMember(user, feed))) &&
    (filter.types.length === 0 || filter.types.includes(user.accountType));
}

/** The organisation's users and feeds. */
export class SiteStore {
  readonly users: IdTable<LumAppsUser>;
  readonly feeds: IdTable<LumAppsFeed>;
  /** Every id the writes have handed out or seen, so a deleted feed's id never comes back. */
  private issuedIds: Set<string> | undefined;
  /** Ids of deleted feeds: never handed out again, even before `issuedIds` is built. */
  private readonly retiredIds = new Set<string>();
  private readonly idRng: Rng;

  constructor(
    data: SiteData,
    /** The user the application token acts as; drift never removes it. */
    readonly adminEmail: string,
    /** What drift needs to generate users like the first ones. */
    private readonly generation: Omit<UserContext, 'rng' | 'feedIds' | 'ids' | 'emails'>,
    /** Seeds the ids that writes (user/save, feed/save, feed/subscribers/save) create. */
    writeSeed = 0,
    /** The clock for `createdAt`/`updatedAt` of what the writes create or change. */
    private readonly now: () => number = Date.now,
  ) {
    this.users = new IdTable(data.users, 'user');
    this.feeds = new IdTable(data.feeds, 'feed');
    this.idRng = createRng(writeSeed);
  }

  get organizationId(): string {
    return this.generation.organizationId;
  }

  findUserByEmail(email: string): LumAppsUser | undefined {
    const wanted = email.toLowerCase();
    return this.users.find((user) => user.email.toLowerCase() === wanted);
  }

  /**
   * A fresh Datastore-style id for a record a write creates: never one in use (users, feeds,
   * subscriptions) and never one handed out before, so a re-created feed always gets a NEW id.
   */
  issueId(): string {
    if (this.issuedIds === undefined) {
      this.issuedIds = new Set();
      for (const user of this.users.all()) {
        this.issuedIds.add(user.id);
        for (const subscription of user.subscriptions) this.issuedIds.add(subscription.id);
      }
      for (const feed of this.feeds.all()) this.issuedIds.add(feed.id);
    }
    for (;;) {
      // Drift may have added records since the set was built: the tables have the last word.
      const id = newId(this.idRng, this.issuedIds);
      if (this.users.get(id) === undefined && this.feeds.get(id) === undefined && !this.retiredIds.has(id))
        return id;
    }
  }

  /** Deletes a feed and every subscription to it; its id is retired. False when there is no such feed. */
  removeFeed(id: string): boolean {
    if (this.feeds.remove(id) === undefined) return false;
    this.retiredIds.add(id);
    for (const user of this.users.all()) {
      user.subscriptions = user.subscriptions.filter((subscription) => subscription.feed !== id);
    }
    return true;
  }

  /** Now, as the API writes timestamps: naive ISO with microseconds. */
  timestamp(): string {
    const ms = this.now();
    return naiveTimestamp(ms, 0);
  }

  /** Users leave and join mid-listing: removed at random (never the admin), added across the id range. */
  drift(add: number, remove: number, rng: Rng): void {
    const admin = this.adminEmail.toLowerCase();
    for (let i = 0; i < remove; i++) {
      const candidates = this.users.all().filter((user) => user.email.toLowerCase() !== admin);
      if (candidates.length === 0) break;
      this.users.remove(rng.pick(candidates).id);
    }
    const all = this.users.all();
    const ctx: UserContext = {
      ...this.generation,
      rng,
      feedIds: this.feeds.all().map((feed) => feed.id),
      ids: new Set([
        ...all.map((user) => user.id),
        ...all.flatMap((user) => user.subscriptions.map((s) => s.id)),
        ...this.feeds.all().map((feed) => feed.id),
      ]),
      emails: new Set(all.map((user) => user.email.toLowerCase())),
    };
    for (let i = 0; i < add; i++)
      this.users.insert(generateUser(ctx, 1_000_000 + all.length + i, 'ordinary'));
  }
}
