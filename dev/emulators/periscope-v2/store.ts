import { SortedTable } from '../periscope-v1/sorted-table.ts';
import type { Rng } from '../shared/prng.ts';
import { generateUsers, type SiteData } from './data.ts';
import {
  DASHBOARD,
  EVERYONE,
  type PeriscopeV2Dashboard,
  type PeriscopeV2Role,
  type PeriscopeV2User,
} from './types.ts';

export interface Page<T, Cursor> {
  readonly total: number;
  readonly records: T[];
  /** Key of the first record of the next page; null on the last page. */
  readonly next: Cursor | null;
}

/**
 * The live site. Users are kept in id order (the listing's order, one binary search per cursor),
 * roles in creation order, dashboards in ascending id order. Records are owned here; everything
 * that leaves is serialised or copied first.
 */
export class SiteStore {
  readonly users: SortedTable<PeriscopeV2User>;
  readonly roles = new Map<string, PeriscopeV2Role>();
  dashboards: PeriscopeV2Dashboard[];
  /** Ids of users and roles: the server never hands out one twice. */
  readonly ids = new Set<string>();
  apiEnabled: boolean;

  constructor(
    data: SiteData,
    apiEnabled: boolean,
    /** The documented quirk: roles without a dashboard grant are served without `id`. */
    public rolesWithoutIds: boolean,
  ) {
    this.users = new SortedTable((u) => u.id, data.users, 'user id');
    for (const role of data.roles) this.roles.set(role.id, role);
    this.dashboards = [...data.dashboards].sort((a, b) => a.id - b.id);
    for (const id of [...this.roles.keys(), ...data.users.map((u) => u.id)]) this.ids.add(id);
    this.apiEnabled = apiEnabled;
  }

  /** Starts at the first user whose id is >= `start` (inclusive, as v1's e-mail cursor). */
  userPage(start: string | undefined, size: number): Page<PeriscopeV2User, string> {
    const from = start === undefined || start === '' ? 0 : this.users.lowerBound(start);
    const following = this.users.at(from + size);
    return {
      total: this.users.size,
      records: this.users.slice(from, from + size),
      next: following === undefined ? null : following.id,
    };
  }

  /** Starts at the first dashboard whose id is >= `start`. */
  dashboardPage(start: number | undefined, size: number): Page<PeriscopeV2Dashboard, number> {
    let from = 0;
    if (start !== undefined) {
      let hi = this.dashboards.length;
      while (from < hi) {
        const mid = (from + hi) >>> 1;
        if ((this.dashboards[mid] as PeriscopeV2Dashboard).id < start) from = mid + 1;
        else hi = mid;
      }
    }
    const following = this.dashboards[from + size];
    return {
      total: this.dashboards.length,
      records: this.dashboards.slice(from, from + size),
      next: following === undefined ? null : following.id,
    };
  }

  everyone(): PeriscopeV2Role | undefined {
    for (const role of this.roles.values()) if (role.name === EVERYONE) return role;
    return undefined;
  }

  findRoleByName(name: string): PeriscopeV2Role | undefined {
    for (const role of this.roles.values()) if (role.name === name) return role;
    return undefined;
  }

  /** Whether the API sends this role without its id (and users name it instead). */
  hidesId(role: PeriscopeV2Role): boolean {
    return this.rolesWithoutIds && !role.permissions.some((grant) => grant.object_type === DASHBOARD);
  }

  /**
   * A role as a request names it: by id, or by name when the API hides its id (the only handle
   * a client has then).
   */
  resolveRole(reference: string): PeriscopeV2Role | undefined {
    const byId = this.roles.get(reference);
    if (byId) return byId;
    const byName = this.findRoleByName(reference);
    return byName && this.hidesId(byName) ? byName : undefined;
  }

  /**
   * The role ids a user holds for the requested references: "Everyone" always first, then the
   * requested roles in request order, duplicates dropped.
   */
  membership(requested: readonly string[]): { roles: string[] } | { unknown: string } {
    const everyone = this.everyone();
    const roles = everyone ? [everyone.id] : [];
    for (const reference of requested) {
      const role = this.resolveRole(reference);
      if (!role) return { unknown: reference };
      if (!roles.includes(role.id)) roles.push(role.id);
    }
    return { roles };
  }

  removeRole(id: string): PeriscopeV2Role | undefined {
    const role = this.roles.get(id);
    if (!role) return undefined;
    this.roles.delete(id);
    for (const user of this.users.all()) {
      if (user.roles.includes(id)) user.roles = user.roles.filter((r) => r !== id);
    }
    return role;
  }

  /** Users join and leave mid-listing, as on a live site during a nightly export. */
  drift(add: number, remove: number, rng: Rng, referenceMs: number): void {
    for (let i = 0; i < remove && this.users.size > 0; i++) {
      this.users.removeAt(rng.int(0, this.users.size - 1));
    }
    const added = generateUsers({
      count: add,
      rng,
      referenceMs,
      roles: [...this.roles.values()],
      takenEmails: new Set(this.users.all().map((u) => u.email.toLowerCase())),
      takenIds: this.ids,
      firstIndex: 1_000_000 + this.users.size,
    });
    for (const user of added) this.users.insert(user);
  }
}
