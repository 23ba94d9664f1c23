import { createRng, pickDistinct, pickGroupCount, type Rng, shuffle } from '../shared/prng.ts';
import { checkCount, compareCodeUnits, parseReferenceDate } from '../shared/site-options.ts';
import {
  AWKWARD_GROUP_NAMES,
  DASHBOARD_NAMES,
  DOMAINS,
  FIRST_NAMES,
  GROUP_NAMES,
  HOSTILE_NAMES,
  LAST_NAMES,
  type NamePart,
  PLUS_TAGS,
  PROJECT_WORDS,
} from './data-pools.ts';
import {
  ADMINISTRATORS,
  ALL_USERS,
  type PeriscopeV1Access,
  type PeriscopeV1Group,
  type PeriscopeV1User,
} from './types.ts';

export interface GenerateOptions {
  readonly users: number;
  /** Total groups including "All Users" (always) and "Administrators" (from 2 on). */
  readonly groups: number;
  readonly seed: number;
  /** Every timestamp is in the past of this instant, so data never depends on the wall clock. */
  readonly referenceDate?: string;
}

export interface SiteData {
  users: PeriscopeV1User[];
  groups: PeriscopeV1Group[];
}

/** Identity of a user: the API has no id, matching is by case-insensitive e-mail. */
export const userKey = (email: string): string => email.toLowerCase();
export const groupKey = (name: string): string => name.toLowerCase();

export const compareKeys = compareCodeUnits;

const DAY_MS = 86_400_000;

/** Keys computed once: lower-casing inside the comparator dominated generation time. */
export function sortByKey<T>(records: readonly T[], keyOf: (record: T) => string): T[] {
  return records
    .map((record) => ({ key: keyOf(record), record }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((e) => e.record);
}

/** The same options always give byte-identical data. */
export function generateSiteData(options: GenerateOptions): SiteData {
  checkCount('users', options.users);
  checkCount('groups', options.groups);
  const rng = createRng(options.seed);
  const groups = generateGroups(options.groups, rng);
  const taken = new Set<string>();
  const users = generateUsers({
    count: options.users,
    rng,
    referenceMs: parseReferenceDate(options.referenceDate),
    groupNames: groups.map((g) => g.name),
    taken,
  });
  return {
    users: sortByKey(users, (u) => userKey(u.email)),
    groups: sortByKey(groups, (g) => groupKey(g.name)),
  };
}

export function generateGroups(count: number, rng: Rng): PeriscopeV1Group[] {
  const names = [ALL_USERS];
  if (count >= 2) names.push(ADMINISTRATORS);
  const pool = [...AWKWARD_GROUP_NAMES, ...shuffle(GROUP_NAMES, rng)];
  // Past the pool: "Project Atlas 1" … "Project Juniper 1", "Project Atlas 2" …
  for (let i = 0; names.length < count; i++) {
    const beyond = i - pool.length;
    const word = PROJECT_WORDS[beyond % PROJECT_WORDS.length] ?? 'Project';
    names.push(pool[i] ?? `Project ${word} ${Math.floor(beyond / PROJECT_WORDS.length) + 1}`);
  }
  return names.map((name) => ({
    name,
    access: name === ALL_USERS || name === ADMINISTRATORS ? 'Sql' : pickAccess(rng),
    dashboards: pickDistinct(DASHBOARD_NAMES, rng.int(0, 5), rng).map((dashboard) => ({
      name: dashboard,
      access: rng.chance(0.4) ? 'Edit' : 'View',
    })),
  }));
}

export interface GenerateUsersContext {
  readonly count: number;
  readonly rng: Rng;
  readonly referenceMs: number;
  /** Groups that exist on the site; users join "All Users" plus 0–4 of the others. */
  readonly groupNames: readonly string[];
  /** Lower-cased e-mails already in use; new ones are added to it. */
  readonly taken: Set<string>;
  /**
   * Position of the first new user in the site's generation order. Small positions get
   * fixed traits (never logged in, mixed case, plus address, hostile names) so that even a
   * tiny site has every awkward case.
   */
  readonly firstIndex?: number;
}

export function generateUsers(ctx: GenerateUsersContext): PeriscopeV1User[] {
  const { rng, referenceMs, taken } = ctx;
  const others = ctx.groupNames.filter((n) => n !== ALL_USERS && n !== ADMINISTRATORS);
  const hasAdmins = ctx.groupNames.includes(ADMINISTRATORS);
  const bases: PeriscopeV1User[] = [];
  const users: PeriscopeV1User[] = [];
  const suffixes = new Map<string, number>();
  const first = ctx.firstIndex ?? 0;
  const days = new Map<number, string>();
  const iso = (minDays: number, maxDays: number): string =>
    isoTimestamp(referenceMs - Math.floor((minDays + rng.next() * (maxDays - minDays)) * DAY_MS), days);

  for (let i = first; i < first + ctx.count; i++) {
    const base = bases.length > 0 && (i === 5 || (i > 5 && rng.chance(0.08))) ? rng.pick(bases) : undefined;
    let firstName: NamePart;
    let lastName: NamePart;
    let email: string;
    if (base) {
      // Same person, second account: the realistic source of plus addresses.
      firstName = [base.first_name, ''];
      lastName = [base.last_name, ''];
      const at = base.email.lastIndexOf('@');
      email = `${base.email.slice(0, at)}+${rng.pick(PLUS_TAGS)}${base.email.slice(at)}`;
    } else {
      const hostile = i % 10 === 3 ? HOSTILE_NAMES[Math.floor(i / 10) % HOSTILE_NAMES.length] : undefined;
      firstName = hostile?.[0] ?? rng.pick(FIRST_NAMES);
      lastName = hostile?.[1] ?? rng.pick(LAST_NAMES);
      email = `${localPart(firstName[1], lastName[1], rng)}@${rng.pick(DOMAINS)}`;
      if (i === 2 || rng.chance(0.12)) email = mixCase(email, rng);
    }
    email = unique(email, taken, suffixes);

    const neverLoggedIn = i === 1 || rng.chance(0.12);
    let lastLogin: string | null = null;
    let passwordUpdated: string | null;
    if (neverLoggedIn) {
      // An invitation nobody accepted has no password yet.
      passwordUpdated = rng.chance(0.6) ? null : iso(1, 400);
    } else {
      const r = rng.next();
      lastLogin = r < 0.6 ? iso(0, 30) : r < 0.85 ? iso(30, 180) : iso(180, 1100);
      const p = rng.next();
      passwordUpdated = i === 4 || p >= 0.75 ? iso(365, 2200) : p < 0.4 ? iso(0, 90) : iso(90, 365);
    }

    const extra = pickDistinct(others, pickGroupCount(rng), rng);
    // User 1 never logged in, so has no two-factor: every site has an administrator without it.
    if (hasAdmins && (i <= 1 || rng.chance(0.03))) extra.push(ADMINISTRATORS);
    extra.sort((a, b) => compareKeys(groupKey(a), groupKey(b)));

    const user: PeriscopeV1User = {
      first_name: firstName[0],
      last_name: lastName[0],
      email,
      groups: [ALL_USERS, ...extra],
      last_login_at: lastLogin,
      password_updated_at: passwordUpdated,
      tfa_enabled: !neverLoggedIn && rng.chance(0.65),
    };
    users.push(user);
    if (!base) bases.push(user);
  }
  return users;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * Same output as Date#toISOString (ms and Z) at a fraction of the cost: the date part is
 * cached per day, which matters when generating 50,000 users.
 */
export function isoTimestamp(ms: number, days: Map<number, string>): string {
  const day = Math.floor(ms / DAY_MS);
  let date = days.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    days.set(day, date);
  }
  const rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor((rest % 3_600_000) / 60_000);
  const s = Math.floor((rest % 60_000) / 1000);
  return `${date}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(rest % 1000)}Z`;
}

function localPart(first: string, last: string, rng: Rng): string {
  switch (rng.int(0, 4)) {
    case 0:
    case 1:
      return `${first}.${last}`;
    case 2:
      return `${first.slice(0, 1)}${last}`;
    case 3:
      return `${first}_${last}`;
    default:
      return `${first}.${last}${rng.int(1, 99)}`;
  }
}

function mixCase(email: string, rng: Rng): string {
  if (rng.chance(0.3)) {
    const at = email.lastIndexOf('@');
    return email.slice(0, at).toUpperCase() + email.slice(at);
  }
  return email.replace(/(^|[._@-])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * Makes `email` unique by numbering its local part (ada.smith2@…). The next number per
 * address is remembered: probing from 2 each time made large sites quadratic.
 */
function unique(email: string, taken: Set<string>, suffixes: Map<string, number>): string {
  const key = userKey(email);
  if (!taken.has(key)) {
    taken.add(key);
    return email;
  }
  const at = email.lastIndexOf('@');
  let n = suffixes.get(key) ?? 2;
  let candidate = `${email.slice(0, at)}${n}${email.slice(at)}`;
  while (taken.has(userKey(candidate))) {
    n += 1;
    candidate = `${email.slice(0, at)}${n}${email.slice(at)}`;
  }
  suffixes.set(key, n + 1);
  taken.add(userKey(candidate));
  return candidate;
}

function pickAccess(rng: Rng): PeriscopeV1Access {
  const r = rng.next();
  return r < 0.45 ? 'View' : r < 0.8 ? 'Sql' : 'Discovery';
}

export { DEFAULT_REFERENCE_DATE, parseReferenceDate } from '../shared/site-options.ts';
