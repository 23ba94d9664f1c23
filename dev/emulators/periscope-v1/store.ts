import type { Rng } from '../shared/prng.ts';
import { generateUsers, groupKey, type SiteData, userKey } from './data.ts';
import { SortedTable } from './sorted-table.ts';
import { ALL_USERS, type PeriscopeV1Group, type PeriscopeV1User } from './types.ts';

export interface Page<T> {
  readonly total: number;
  readonly records: T[];
  /** Cursor of the first record of the next page; null on the last page. */
  readonly next: string | null;
}

export type GroupPatch = Partial<PeriscopeV1Group>;

/**
 * The live site: users and groups in key order. Records are owned here; everything that
 * leaves (HTTP bodies, the test-facing state) is serialised or copied first.
 */
export class SiteStore {
  readonly users: SortedTable<PeriscopeV1User>;
  readonly groups: SortedTable<PeriscopeV1Group>;
  apiEnabled: boolean;

  constructor(data: SiteData, apiEnabled: boolean) {
    this.users = new SortedTable((u) => userKey(u.email), data.users, 'user e-mail');
    this.groups = new SortedTable((g) => groupKey(g.name), data.groups, 'group name');
    // "All Users" exists on every site; explicit test data may leave it out.
    this.groups.insert({ name: ALL_USERS, access: 'Sql', dashboards: [] });
    this.apiEnabled = apiEnabled;
  }

  userPage(start: string | undefined, size: number): Page<PeriscopeV1User> {
    return page(
      this.users,
      start === undefined ? 0 : this.users.lowerBound(userKey(start)),
      size,
      (u) => u.email,
    );
  }

  groupPage(start: string | undefined, size: number): Page<PeriscopeV1Group> {
    return page(
      this.groups,
      start === undefined ? 0 : this.groups.lowerBound(groupKey(start)),
      size,
      (g) => g.name,
    );
  }

  findUser(email: string): PeriscopeV1User | undefined {
    return this.users.get(userKey(email));
  }

  findGroup(name: string): PeriscopeV1Group | undefined {
    return this.groups.get(groupKey(name));
  }

  /**
   * The membership list the API stores for requested names: names matched case-insensitively
   * and spelled as the group is, duplicates dropped, and "All Users" always first because
   * every user belongs to it.
   */
  membership(requested: readonly string[]): { groups: string[] } | { unknown: string } {
    const groups = [ALL_USERS];
    const seen = new Set([groupKey(ALL_USERS)]);
    for (const name of requested) {
      const group = this.findGroup(name);
      if (!group) return { unknown: name };
      const key = groupKey(group.name);
      if (!seen.has(key)) {
        seen.add(key);
        groups.push(group.name);
      }
    }
    return { groups };
  }

  addUser(user: PeriscopeV1User): boolean {
    return this.users.insert(user);
  }

  removeUser(email: string): PeriscopeV1User | undefined {
    return this.users.remove(userKey(email));
  }

  addGroup(group: PeriscopeV1Group): boolean {
    return this.groups.insert(group);
  }

  /** Renames carry over to every member's `groups`; 'conflict' when the new name is taken. */
  updateGroup(name: string, patch: GroupPatch): PeriscopeV1Group | undefined | 'conflict' {
    const oldKey = groupKey(name);
    const group = this.groups.get(oldKey);
    if (!group) return undefined;
    if (patch.name !== undefined && patch.name !== group.name) {
      const newKey = groupKey(patch.name);
      if (newKey !== oldKey && this.groups.has(newKey)) return 'conflict';
      this.groups.remove(oldKey);
      group.name = patch.name;
      this.groups.insert(group);
      for (const user of this.users.all()) {
        user.groups = user.groups.map((g) => (groupKey(g) === oldKey ? group.name : g));
      }
    }
    if (patch.access !== undefined) group.access = patch.access;
    if (patch.dashboards !== undefined) group.dashboards = patch.dashboards;
    return group;
  }

  removeGroup(name: string): PeriscopeV1Group | undefined {
    const key = groupKey(name);
    const removed = this.groups.remove(key);
    if (removed) {
      for (const user of this.users.all()) {
        if (user.groups.some((g) => groupKey(g) === key)) {
          user.groups = user.groups.filter((g) => groupKey(g) !== key);
        }
      }
    }
    return removed;
  }

  /** Users join and leave mid-listing, as on a live site during a nightly export. */
  drift(add: number, remove: number, rng: Rng, referenceMs: number): void {
    for (let i = 0; i < remove && this.users.size > 0; i++) {
      this.users.removeAt(rng.int(0, this.users.size - 1));
    }
    const taken = new Set(this.users.all().map((u) => userKey(u.email)));
    const added = generateUsers({
      count: add,
      rng,
      referenceMs,
      groupNames: this.groups.all().map((g) => g.name),
      taken,
      firstIndex: 1_000_000 + taken.size,
    });
    for (const user of added) this.users.insert(user);
  }
}

function page<T>(table: SortedTable<T>, from: number, size: number, cursorOf: (r: T) => string): Page<T> {
  const following = table.at(from + size);
  return {
    total: table.size,
    records: table.slice(from, from + size),
    next: following === undefined ? null : cursorOf(following),
  };
}
