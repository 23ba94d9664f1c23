import { generateUsers as generatePeople } from '../periscope-v1/data.ts';
import {
  AWKWARD_GROUP_NAMES,
  DASHBOARD_NAMES,
  GROUP_NAMES,
  PROJECT_WORDS,
} from '../periscope-v1/data-pools.ts';
import { ADMINISTRATORS, ALL_USERS } from '../periscope-v1/types.ts';
import { createRng, pickDistinct, type Rng, shuffle } from '../shared/prng.ts';
import { checkCount, compareCodeUnits, parseReferenceDate } from '../shared/site-options.ts';
import {
  DASHBOARD_GRANTS,
  PERMISSION_NAMES,
  ROLE_DESCRIPTIONS,
  SITE_ADMIN_PERMISSIONS,
} from './data-pools.ts';
import {
  ADMIN,
  DASHBOARD,
  EVERYONE,
  type PeriscopeV2Dashboard,
  type PeriscopeV2Role,
  type PeriscopeV2User,
} from './types.ts';

export interface GenerateOptions {
  readonly users: number;
  /** Total roles including "Everyone" (always) and "Admin" (from 2 on). */
  readonly roles: number;
  readonly dashboards: number;
  readonly seed: number;
  /** Every timestamp is in the past of this instant, so data never depends on the wall clock. */
  readonly referenceDate?: string;
}

export interface SiteData {
  users: PeriscopeV2User[];
  roles: PeriscopeV2Role[];
  dashboards: PeriscopeV2Dashboard[];
}

export const compareKeys = compareCodeUnits;

const hex = (rng: Rng, digits: number): string =>
  Array.from({ length: digits }, () => rng.int(0, 15).toString(16)).join('');

/** A server-generated id: UUID-shaped, lower-case hex, unique within `taken`. */
export function newId(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const variant = (8 + rng.int(0, 3)).toString(16);
    const id = `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${variant}${hex(rng, 3)}-${hex(rng, 12)}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** The same options always give byte-identical data. */
export function generateSiteData(options: GenerateOptions): SiteData {
  checkCount('users', options.users);
  checkCount('roles', options.roles);
  checkCount('dashboards', options.dashboards);
  const rng = createRng(options.seed);
  const ids = new Set<string>();
  const dashboards = generateDashboards(options.dashboards, rng);
  const roles = generateRoles(Math.max(1, options.roles), dashboards, rng, ids);
  const users = generateUsers({
    count: options.users,
    rng,
    referenceMs: parseReferenceDate(options.referenceDate),
    roles,
    takenEmails: new Set(),
    takenIds: ids,
  });
  return { users: users.sort((a, b) => compareKeys(a.id, b.id)), roles, dashboards };
}

/** Ascending integer ids with gaps, as a site that has deleted dashboards over the years has. */
export function generateDashboards(count: number, rng: Rng): PeriscopeV2Dashboard[] {
  const dashboards: PeriscopeV2Dashboard[] = [];
  let id = 268_000 + rng.int(0, 999);
  for (let i = 0; i < count; i++) {
    const word = PROJECT_WORDS[i % PROJECT_WORDS.length] ?? 'Project';
    dashboards.push({ id, name: DASHBOARD_NAMES[i] ?? `${word} Dashboard ${i + 1}` });
    id += rng.int(1, 40);
  }
  return dashboards;
}

function roleNames(count: number, rng: Rng): string[] {
  const names = [EVERYONE];
  if (count >= 2) names.push(ADMIN);
  const pool = [...AWKWARD_GROUP_NAMES, ...shuffle(GROUP_NAMES, rng)];
  for (let i = 0; names.length < count; i++) {
    const beyond = i - pool.length;
    const word = PROJECT_WORDS[beyond % PROJECT_WORDS.length] ?? 'Project';
    names.push(pool[i] ?? `Project ${word} ${Math.floor(beyond / PROJECT_WORDS.length) + 1}`);
  }
  return names;
}

/**
 * "Everyone" has role-wide read rights but no dashboard grants, as do about a third of the
 * others: those are the roles the `rolesWithoutIds` quirk serves without an id.
 */
export function generateRoles(
  count: number,
  dashboards: readonly PeriscopeV2Dashboard[],
  rng: Rng,
  taken: Set<string>,
): PeriscopeV2Role[] {
  return roleNames(count, rng).map((name, index) => {
    const everyone = name === EVERYONE;
    const privileges = everyone
      ? ['read_dashboards']
      : name === ADMIN
        ? [...PERMISSION_NAMES]
        : pickDistinct(PERMISSION_NAMES, rng.int(1, 5), rng);
    const granted =
      everyone || dashboards.length === 0 || rng.chance(0.3)
        ? []
        : pickDistinct(dashboards, rng.int(1, 4), rng);
    return {
      id: newId(rng, taken),
      name,
      description: everyone
        ? 'Every user of the site'
        : (ROLE_DESCRIPTIONS[index % ROLE_DESCRIPTIONS.length] ?? ''),
      privileges: [
        { object_type: DASHBOARD, permissions: privileges },
        // What makes "Admin" administer the site, not just its dashboards.
        ...(name === ADMIN ? [{ object_type: 'Site', permissions: [...SITE_ADMIN_PERMISSIONS] }] : []),
      ],
      permissions: granted
        .sort((a, b) => a.id - b.id)
        .map((dashboard) => ({
          object_type: DASHBOARD,
          object_id: String(dashboard.id),
          permissions: [...rng.pick(DASHBOARD_GRANTS)],
        })),
    };
  });
}

export interface GenerateUsersContext {
  readonly count: number;
  readonly rng: Rng;
  readonly referenceMs: number;
  /** Roles that exist on the site; users are in "Everyone" plus 0–4 of the others. */
  readonly roles: readonly PeriscopeV2Role[];
  /** Lower-cased e-mails already in use; new ones are added to it. */
  readonly takenEmails: Set<string>;
  /** Ids already in use (users and roles); new ones are added to it. */
  readonly takenIds: Set<string>;
  /** Position of the first new user in generation order (see the v1 generator's fixed traits). */
  readonly firstIndex?: number;
}

/**
 * People as the v1 generator makes them (hostile names, plus addresses, never-logged-in
 * invitations), given ids and role ids instead of group names.
 */
export function generateUsers(ctx: GenerateUsersContext): PeriscopeV2User[] {
  const everyone = ctx.roles.find((role) => role.name === EVERYONE);
  const admin = ctx.roles.find((role) => role.name === ADMIN);
  const others = ctx.roles.filter((role) => role !== everyone && role !== admin);
  // v1's generator treats "All Users" and "Administrators" specially; the others by name.
  const byName = new Map<string, string>(others.map((role) => [role.name, role.id]));
  if (everyone) byName.set(ALL_USERS, everyone.id);
  if (admin) byName.set(ADMINISTRATORS, admin.id);
  const people = generatePeople({
    count: ctx.count,
    rng: ctx.rng,
    referenceMs: ctx.referenceMs,
    groupNames: [
      ...(everyone ? [ALL_USERS] : []),
      ...(admin ? [ADMINISTRATORS] : []),
      ...others.map((r) => r.name),
    ],
    taken: ctx.takenEmails,
    ...(ctx.firstIndex === undefined ? {} : { firstIndex: ctx.firstIndex }),
  });
  return people.map((person) => ({
    id: newId(ctx.rng, ctx.takenIds),
    first_name: person.first_name,
    last_name: person.last_name,
    email: person.email,
    roles: person.groups.flatMap((name) => byName.get(name) ?? []),
    last_login_at: person.last_login_at,
    password_updated_at: person.password_updated_at,
    tfa_enabled: person.tfa_enabled,
  }));
}

export { DEFAULT_REFERENCE_DATE, parseReferenceDate } from '../shared/site-options.ts';
