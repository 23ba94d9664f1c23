import { createRng } from '../shared/prng.ts';
import { newId } from './data.ts';
import type { SiteStore } from './store.ts';
import { EVERYONE, type PeriscopeV2Dashboard, type PeriscopeV2Role, type PeriscopeV2User } from './types.ts';

export type PeriscopeV2UserInput = Omit<PeriscopeV2User, 'id'> & { id?: string };
export type PeriscopeV2RoleInput = Omit<PeriscopeV2Role, 'id'> & { id?: string };

/**
 * Ground truth for tests, bypassing HTTP, auth and faults. Records are in the stored form (every
 * role has its id; users hold role ids), deep-copied both ways. Writes take no API validation
 * (tests may build odd data on purpose) beyond keeping ids unique.
 */
export interface PeriscopeV2State {
  readonly userCount: number;
  readonly roleCount: number;
  readonly dashboardCount: number;
  readonly apiEnabled: boolean;
  /** Whether roles without a dashboard grant are served without `id` (and named by users). */
  readonly rolesWithoutIds: boolean;
  setApiEnabled(enabled: boolean): void;
  setRolesWithoutIds(enabled: boolean): void;
  /** Every user, in listing order (id). */
  users(): PeriscopeV2User[];
  /** Every role, in listing order (creation). */
  roles(): PeriscopeV2Role[];
  /** Every dashboard, in listing order (ascending id). */
  dashboards(): PeriscopeV2Dashboard[];
  getUser(id: string): PeriscopeV2User | undefined;
  getRole(id: string): PeriscopeV2Role | undefined;
  /** Returns the user as stored, with a new id unless one is given; throws when the id exists. */
  addUser(user: PeriscopeV2UserInput): PeriscopeV2User;
  updateUser(id: string, patch: Partial<Omit<PeriscopeV2User, 'id'>>): PeriscopeV2User;
  removeUser(id: string): boolean;
  /** Returns the role as stored, with a new id unless one is given; throws when the id exists. */
  addRole(role: PeriscopeV2RoleInput): PeriscopeV2Role;
  /** Also removes the role from every user. "Everyone" cannot be removed. */
  removeRole(id: string): boolean;
  /** Replaces every dashboard (roles' grants are left as they are, possibly dangling). */
  setDashboards(dashboards: readonly PeriscopeV2Dashboard[]): void;
}

export const copyUser = (u: PeriscopeV2User): PeriscopeV2User => ({ ...u, roles: [...u.roles] });
export const copyRole = (r: PeriscopeV2Role): PeriscopeV2Role => ({
  ...r,
  privileges: r.privileges.map((p) => ({ ...p, permissions: [...p.permissions] })),
  permissions: r.permissions.map((p) => ({ ...p, permissions: [...p.permissions] })),
});

export function createState(store: SiteStore): PeriscopeV2State {
  const freshId = (given: string | undefined, what: string): string => {
    if (given === undefined) return newId(createRng(store.ids.size ^ 0x7e57), store.ids);
    if (store.ids.has(given)) throw new Error(`${what} id already exists: ${given}`);
    store.ids.add(given);
    return given;
  };
  return {
    get userCount() {
      return store.users.size;
    },
    get roleCount() {
      return store.roles.size;
    },
    get dashboardCount() {
      return store.dashboards.length;
    },
    get apiEnabled() {
      return store.apiEnabled;
    },
    get rolesWithoutIds() {
      return store.rolesWithoutIds;
    },
    setApiEnabled(enabled) {
      store.apiEnabled = enabled;
    },
    setRolesWithoutIds(enabled) {
      store.rolesWithoutIds = enabled;
    },
    users: () => store.users.all().map(copyUser),
    roles: () => [...store.roles.values()].map(copyRole),
    dashboards: () => store.dashboards.map((d) => ({ ...d })),
    getUser(id) {
      const user = store.users.get(id);
      return user && copyUser(user);
    },
    getRole(id) {
      const role = store.roles.get(id);
      return role && copyRole(role);
    },
    addUser(input) {
      const user = copyUser({ ...input, id: freshId(input.id, 'user') });
      store.users.insert(user);
      return copyUser(user);
    },
    updateUser(id, patch) {
      const user = store.users.get(id);
      if (!user) throw new Error(`no such user: ${id}`);
      // The id is the identity (and the sort key): a patch cannot move a user.
      Object.assign(user, copyUser({ ...user, ...patch, id }));
      return copyUser(user);
    },
    removeUser: (id) => store.users.remove(id) !== undefined,
    addRole(input) {
      const role = copyRole({ ...input, id: freshId(input.id, 'role') });
      store.roles.set(role.id, role);
      return copyRole(role);
    },
    removeRole(id) {
      if (store.roles.get(id)?.name === EVERYONE) throw new Error('"Everyone" cannot be removed');
      return store.removeRole(id) !== undefined;
    },
    setDashboards(dashboards) {
      store.dashboards = dashboards.map((d) => ({ ...d })).sort((a, b) => a.id - b.id);
    },
  };
}
