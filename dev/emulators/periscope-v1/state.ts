import { groupKey, userKey } from './data.ts';
import type { SiteStore } from './store.ts';
import { ALL_USERS, type PeriscopeV1Access, type PeriscopeV1Group, type PeriscopeV1User } from './types.ts';

export interface PeriscopeV1GroupInput {
  name: string;
  access: PeriscopeV1Access;
  dashboards?: PeriscopeV1Group['dashboards'];
}

/**
 * Ground truth for tests, bypassing HTTP, auth and faults. Reads return deep copies in the
 * API's shapes; writes take no API validation (tests may build odd data on purpose) beyond
 * keeping e-mails and group names unique and "All Users" present.
 */
export interface PeriscopeV1State {
  readonly userCount: number;
  readonly groupCount: number;
  readonly apiEnabled: boolean;
  /** Switches the site's API on or off at run time (off: 404 on every route). */
  setApiEnabled(enabled: boolean): void;
  /** Every user, ordered as the listing pages them (lower-cased e-mail). */
  users(): PeriscopeV1User[];
  /** Every group with its dashboards, ordered by lower-cased name. */
  groups(): PeriscopeV1Group[];
  /** Case-insensitive. */
  getUser(email: string): PeriscopeV1User | undefined;
  /** Case-insensitive. */
  getGroup(name: string): PeriscopeV1Group | undefined;
  /** Throws when the e-mail exists (case-insensitively). */
  addUser(user: PeriscopeV1User): void;
  /** Throws when the user does not exist. The e-mail cannot change: it is the identity. */
  updateUser(email: string, patch: Partial<Omit<PeriscopeV1User, 'email'>>): PeriscopeV1User;
  removeUser(email: string): boolean;
  /** Throws when the name exists (case-insensitively). */
  addGroup(group: PeriscopeV1GroupInput): void;
  /** Throws when the group does not exist or a rename hits another group; renames reach members. */
  updateGroup(name: string, patch: Partial<PeriscopeV1Group>): PeriscopeV1Group;
  /** Also removes the group from every member. "All Users" cannot be removed. */
  removeGroup(name: string): boolean;
}

export const copyUser = (u: PeriscopeV1User): PeriscopeV1User => ({ ...u, groups: [...u.groups] });
export const copyGroup = (g: PeriscopeV1Group): PeriscopeV1Group => ({
  name: g.name,
  access: g.access,
  dashboards: g.dashboards.map((d) => ({ ...d })),
});

export function createState(store: SiteStore): PeriscopeV1State {
  return {
    get userCount() {
      return store.users.size;
    },
    get groupCount() {
      return store.groups.size;
    },
    get apiEnabled() {
      return store.apiEnabled;
    },
    setApiEnabled(enabled) {
      store.apiEnabled = enabled;
    },
    users: () => store.users.all().map(copyUser),
    groups: () => store.groups.all().map(copyGroup),
    getUser(email) {
      const user = store.findUser(email);
      return user && copyUser(user);
    },
    getGroup(name) {
      const group = store.findGroup(name);
      return group && copyGroup(group);
    },
    addUser(user) {
      if (!store.addUser(copyUser(user))) throw new Error(`user already exists: ${userKey(user.email)}`);
    },
    updateUser(email, patch) {
      const user = store.findUser(email);
      if (!user) throw new Error(`no such user: ${email}`);
      // The e-mail is the identity (and the sort key): a patch cannot move a user.
      const { first_name, last_name, groups, last_login_at, password_updated_at, tfa_enabled } = patch;
      if (first_name !== undefined) user.first_name = first_name;
      if (last_name !== undefined) user.last_name = last_name;
      if (groups !== undefined) user.groups = [...groups];
      if (last_login_at !== undefined) user.last_login_at = last_login_at;
      if (password_updated_at !== undefined) user.password_updated_at = password_updated_at;
      if (tfa_enabled !== undefined) user.tfa_enabled = tfa_enabled;
      return copyUser(user);
    },
    removeUser: (email) => store.removeUser(email) !== undefined,
    addGroup(group) {
      const record = copyGroup({ ...group, dashboards: group.dashboards ?? [] });
      if (!store.addGroup(record)) throw new Error(`group already exists: ${groupKey(group.name)}`);
    },
    updateGroup(name, patch) {
      if (
        groupKey(name) === groupKey(ALL_USERS) &&
        patch.name !== undefined &&
        groupKey(patch.name) !== groupKey(ALL_USERS)
      ) {
        throw new Error('"All Users" cannot be renamed');
      }
      const result = store.updateGroup(name, {
        ...patch,
        ...(patch.dashboards && { dashboards: patch.dashboards.map((d) => ({ ...d })) }),
      });
      if (result === undefined) throw new Error(`no such group: ${name}`);
      if (result === 'conflict') throw new Error(`group already exists: ${patch.name}`);
      return copyGroup(result);
    },
    removeGroup(name) {
      if (groupKey(name) === groupKey(ALL_USERS)) throw new Error('"All Users" cannot be removed');
      return store.removeGroup(name) !== undefined;
    },
  };
}
