import type { Rng } from '../shared/prng.ts';
import { compareIds, generateUsers, type TrivoreSiteData } from './data.ts';
import type { TrivoreGroup, TrivoreUser } from './types.ts';

/** Records kept in id order, the listings' default order, so a default page is a slice. */
export class SortedById<T extends { id: string }> {
  private readonly records: T[];
  private readonly byId = new Map<string, T>();

  constructor(records: readonly T[]) {
    this.records = [...records].sort((a, b) => compareIds(a.id, b.id));
    for (const record of this.records) {
      if (this.byId.has(record.id)) throw new Error(`duplicate id: ${record.id}`);
      this.byId.set(record.id, record);
    }
  }

  get size(): number {
    return this.records.length;
  }

  /** The live array, in id order: callers must not change it. */
  all(): readonly T[] {
    return this.records;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** False when the id is taken. */
  insert(record: T): boolean {
    if (this.byId.has(record.id)) return false;
    this.records.splice(this.position(record.id), 0, record);
    this.byId.set(record.id, record);
    return true;
  }

  remove(id: string): T | undefined {
    const record = this.byId.get(id);
    if (record === undefined) return undefined;
    this.records.splice(this.position(id), 1);
    this.byId.delete(id);
    return record;
  }

  /** Index of the first record whose id is >= `id`. */
  private position(id: string): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareIds((this.records[middle] as T).id, id) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** One emulated Trivore ID server: its users and groups, and where its records say they live. */
export class TrivoreStore {
  readonly users: SortedById<TrivoreUser>;
  readonly groups: SortedById<TrivoreGroup>;
  private baseUrl = '';
  private drifted = 0;

  constructor(data: TrivoreSiteData) {
    this.users = new SortedById(data.users);
    this.groups = new SortedById(data.groups);
  }

  /** Fills in every record's `meta.location` once the server knows its address. */
  setBaseUrl(url: string): void {
    this.baseUrl = url;
    for (const user of this.users.all()) this.locate('user', user);
    for (const group of this.groups.all()) this.locate('group', group);
  }

  addUser(user: TrivoreUser): boolean {
    this.locate('user', user);
    return this.users.insert(user);
  }

  addGroup(group: TrivoreGroup): boolean {
    this.locate('group', group);
    return this.groups.insert(group);
  }

  /** Also drops the group from every user's and group's `memberOf`. */
  removeGroup(id: string): TrivoreGroup | undefined {
    const removed = this.groups.remove(id);
    if (removed === undefined) return undefined;
    for (const record of [...this.users.all(), ...this.groups.all()]) {
      if (record.memberOf.includes(id)) record.memberOf = record.memberOf.filter((groupId) => groupId !== id);
    }
    return removed;
  }

  /** The drift fault: users appear and disappear anywhere in id order, shifting later offsets. */
  drift(add: number, remove: number, rng: Rng, referenceMs: number): void {
    for (let i = 0; i < remove && this.users.size > 0; i++) {
      const victim = this.users.all()[rng.int(0, this.users.size - 1)];
      if (victim !== undefined) this.users.remove(victim.id);
    }
    const ids = new Set([...this.users.all(), ...this.groups.all()].map((record) => record.id));
    const usernames = new Set(this.users.all().map((user) => user.username.toLowerCase()));
    const added = generateUsers({
      count: add,
      rng,
      referenceMs,
      groupIds: this.groups.all().map((group) => group.id),
      ids,
      usernames,
      // Past the fixed traits of the first users, and different on every drift.
      firstIndex: 1_000_000 + this.drifted,
    });
    this.drifted += add;
    for (const user of added) this.addUser(user);
  }

  private locate(resource: 'user' | 'group', record: TrivoreUser | TrivoreGroup): void {
    if (this.baseUrl !== '') record.meta.location = `${this.baseUrl}/api/rest/v1/${resource}/${record.id}`;
  }
}
