import type { Connector } from '../providers/port.ts';
import type {
  ExportObserver,
  ExportTarget,
  KeySorter,
  ListingReport,
  UserSink,
  UserSinkOptions,
  UsersSummary,
} from '../shared/export-model.ts';
import { type CanonicalGroup, type CanonicalUser, compareKeys } from '../shared/model.ts';

/**
 * TEMPORARY STAND-IN for the lead's `readLiveSite` (main replaces this file): the same signature,
 * with an in-memory sink (stable sort, later arrival wins) and an in-memory key sorter.
 */

export interface ReadLiveSiteOptions {
  readonly memoryBudgetBytes?: number;
  readonly observer?: ExportObserver;
}

export interface LiveSite {
  readonly users: CanonicalUser[];
  readonly groups: CanonicalGroup[];
  readonly listings: Readonly<Record<string, ListingReport>>;
  readonly summary: UsersSummary;
}

function memorySink(options: UserSinkOptions, done: (users: CanonicalUser[]) => void): UserSink {
  let added: CanonicalUser[] = [];
  const excluded = new Set<string>();
  return {
    async add(batch) {
      added.push(...batch);
    },
    async restart() {
      added = [];
    },
    exclude(keys) {
      for (const key of keys) excluded.add(key);
    },
    async close() {
      const sorted = added.map((user, order) => ({ user, order }));
      sorted.sort((a, b) => compareKeys(a.user.key, b.user.key) || a.order - b.order);
      const kept: CanonicalUser[] = [];
      let duplicatesDropped = 0;
      let differingDuplicates = 0;
      let firstDifferingKey: string | undefined;
      for (const { user } of sorted) {
        const last = kept.at(-1);
        if (last !== undefined && last.key === user.key) {
          duplicatesDropped += 1;
          if (options.sameUser && !options.sameUser(user, last)) {
            differingDuplicates += 1;
            firstDifferingKey ??= user.key;
          }
          kept[kept.length - 1] = user;
        } else kept.push(user);
      }
      const users = kept.filter((user) => !excluded.has(user.key));
      const membersByGroup = new Map<string, number>();
      let memberships = 0;
      for (const user of users) {
        for (const group of user.groups) {
          membersByGroup.set(group, (membersByGroup.get(group) ?? 0) + 1);
          memberships += 1;
        }
      }
      done(users);
      return {
        uniqueUsers: users.length,
        duplicatesDropped,
        differingDuplicates,
        ...(firstDifferingKey === undefined ? {} : { firstDifferingKey }),
        memberships,
        membersByGroup,
      };
    },
  };
}

function memoryKeySorter(): KeySorter {
  const keys = new Set<string>();
  return {
    async add(key) {
      keys.add(key);
    },
    async *sorted() {
      yield* [...keys].sort(compareKeys);
    },
    async dispose() {
      keys.clear();
    },
  };
}

export async function readLiveSite(
  connector: Connector,
  options: ReadLiveSiteOptions = {},
): Promise<LiveSite> {
  let users: CanonicalUser[] = [];
  const target: ExportTarget = {
    openUsers: (sinkOptions = {}) =>
      memorySink(sinkOptions, (kept) => {
        users = kept;
      }),
    scratch: { openKeySorter: memoryKeySorter },
    ...(options.observer === undefined ? {} : { observer: options.observer }),
  };
  const result = await connector.exportAll(target);
  return { users, groups: result.groups, listings: result.listings, summary: result.users };
}
