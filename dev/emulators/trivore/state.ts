import type { Rng } from '../shared/prng.ts';
import { DEFAULT_NAMESPACE, javaInstant, newId } from './data.ts';
import type { TrivoreStore } from './store.ts';
import type { TrivoreGroup, TrivoreUser } from './types.ts';

/** A user to add: anything left out gets a plain default (a new id, no e-mail, not locked…). */
export type TrivoreUserInput = Partial<TrivoreUser>;
export type TrivoreGroupInput = Partial<TrivoreGroup> & Pick<TrivoreGroup, 'name'>;

/**
 * Ground truth for tests, bypassing HTTP, auth and faults. Reads return deep copies exactly as the
 * API sends them, in listing order (id); writes take no API validation, so a test can build odd
 * data on purpose (a `memberOf` naming no group, say) — only ids must stay unique.
 */
export interface TrivoreState {
  readonly userCount: number;
  readonly groupCount: number;
  users(): TrivoreUser[];
  groups(): TrivoreGroup[];
  getUser(id: string): TrivoreUser | undefined;
  getGroup(id: string): TrivoreGroup | undefined;
  /** Returns the stored user. Throws when its id is taken. */
  addUser(input?: TrivoreUserInput): TrivoreUser;
  /** Throws when the user does not exist; the id cannot change. */
  updateUser(id: string, patch: Omit<TrivoreUserInput, 'id'>): TrivoreUser;
  removeUser(id: string): boolean;
  addGroup(input: TrivoreGroupInput): TrivoreGroup;
  updateGroup(id: string, patch: Omit<Partial<TrivoreGroup>, 'id'>): TrivoreGroup;
  /** Also drops the group from every `memberOf`. */
  removeGroup(id: string): boolean;
}

const copy = <T>(record: T): T => structuredClone(record);

export function createState(store: TrivoreStore, rng: Rng, referenceMs: number): TrivoreState {
  const takenIds = (): Set<string> =>
    new Set([...store.users.all(), ...store.groups.all()].map((record) => record.id));
  const freshMeta = (): TrivoreUser['meta'] => {
    const at = javaInstant(referenceMs);
    return { created: at, lastModified: at, location: '' };
  };
  let added = 0;
  return {
    get userCount() {
      return store.users.size;
    },
    get groupCount() {
      return store.groups.size;
    },
    users: () => store.users.all().map(copy),
    groups: () => store.groups.all().map(copy),
    getUser: (id) => {
      const user = store.users.get(id);
      return user && copy(user);
    },
    getGroup: (id) => {
      const group = store.groups.get(id);
      return group && copy(group);
    },
    addUser(input = {}) {
      added += 1;
      const user: TrivoreUser = {
        id: input.id ?? newId(rng, takenIds()),
        username: input.username ?? `added.user${added}`,
        userAccountType: input.userAccountType ?? 'PERSON',
        nsCode: input.nsCode ?? DEFAULT_NAMESPACE,
        emails: input.emails ?? [],
        mobiles: input.mobiles ?? [],
        name: input.name ?? { givenName: '', middleName: '', familyName: '' },
        memberOf: input.memberOf ?? [],
        mfaMethod: input.mfaMethod ?? 'NONE',
        locked: input.locked ?? false,
        meta: input.meta ?? freshMeta(),
      };
      const stored = copy(user);
      if (!store.addUser(stored)) throw new Error(`id already taken: ${user.id}`);
      return copy(stored);
    },
    updateUser(id, patch) {
      const user = store.users.get(id);
      if (!user) throw new Error(`no such user: ${id}`);
      Object.assign(user, copy({ ...patch, id }));
      return copy(user);
    },
    removeUser: (id) => store.users.remove(id) !== undefined,
    addGroup(input) {
      const group: TrivoreGroup = {
        id: input.id ?? newId(rng, takenIds()),
        name: input.name,
        nsCode: input.nsCode ?? DEFAULT_NAMESPACE,
        memberOf: input.memberOf ?? [],
        meta: input.meta ?? freshMeta(),
        ...(input.description === undefined ? {} : { description: input.description }),
      };
      const stored = copy(group);
      if (!store.addGroup(stored)) throw new Error(`id already taken: ${group.id}`);
      return copy(stored);
    },
    updateGroup(id, patch) {
      const group = store.groups.get(id);
      if (!group) throw new Error(`no such group: ${id}`);
      Object.assign(group, copy({ ...patch, id }));
      return copy(group);
    },
    removeGroup: (id) => store.removeGroup(id) !== undefined,
  };
}
