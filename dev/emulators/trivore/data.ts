import {
  AWKWARD_GROUP_NAMES,
  DOMAINS,
  FIRST_NAMES,
  GROUP_NAMES,
  HOSTILE_NAMES,
  LAST_NAMES,
  type NamePart,
  PROJECT_WORDS,
} from '../periscope-v1/data-pools.ts';
import { createRng, pickDistinct, pickGroupCount, type Rng, shuffle } from '../shared/prng.ts';
import { checkCount, compareCodeUnits, parseReferenceDate } from '../shared/site-options.ts';
import type { TrivoreEmail, TrivoreGroup, TrivoreMfaMethod, TrivoreUser } from './types.ts';

export const DEFAULT_NAMESPACE = 'acme';
/**
 * The group whose members administer the site (from 2 groups on). Trivore grants administration
 * through roles its listings do not show, so a site names such a group in `audit.privilegedGroups`.
 */
export const ADMIN_GROUP = 'ID Administrators';
const PARTNER_NAMESPACE = 'acme-partners';
const DAY_MS = 86_400_000;

export interface GenerateOptions {
  readonly users: number;
  readonly groups: number;
  readonly seed: number;
  /** Every timestamp lies before this instant, so data never depends on the wall clock. */
  readonly referenceDate?: string;
}

export interface TrivoreSiteData {
  users: TrivoreUser[];
  groups: TrivoreGroup[];
}

export const compareIds = compareCodeUnits;

/** The same options always give identical data, sorted by id as the listings serve it. */
export function generateSiteData(options: GenerateOptions): TrivoreSiteData {
  checkCount('users', options.users);
  checkCount('groups', options.groups);
  const rng = createRng(options.seed);
  const referenceMs = parseReferenceDate(options.referenceDate);
  const ids = new Set<string>();
  const groups = generateGroups(options.groups, rng, referenceMs, ids);
  const adminGroup = groups.find((group) => group.name === ADMIN_GROUP);
  const users = generateUsers({
    count: options.users,
    rng,
    referenceMs,
    groupIds: groups.filter((group) => group !== adminGroup).map((group) => group.id),
    ...(adminGroup ? { adminGroupId: adminGroup.id } : {}),
    ids,
    usernames: new Set(),
  });
  return {
    users: users.sort((a, b) => compareIds(a.id, b.id)),
    groups: groups.sort((a, b) => compareIds(a.id, b.id)),
  };
}

/**
 * A 24-hex platform id. Random rather than time-based like a real ObjectId: listing order then has
 * nothing to do with age, so a user added mid-listing lands anywhere and shifts every later offset.
 */
export function newId(rng: Rng, taken: Set<string>): string {
  for (;;) {
    let id = '';
    for (let i = 0; i < 6; i++) id += rng.int(0, 0xffff).toString(16).padStart(4, '0');
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * An instant as Java's `Instant#toString` writes it: no fraction on a whole second, else 3 digits,
 * or 6 when there are microseconds. A client that expects exactly milliseconds breaks here.
 */
export function javaInstant(ms: number, micros = 0): string {
  const base = new Date(ms).toISOString().slice(0, 19);
  const millis = ((ms % 1000) + 1000) % 1000;
  if (micros !== 0) return `${base}.${pad(millis, 3)}${pad(micros, 3)}Z`;
  return millis === 0 ? `${base}Z` : `${base}.${pad(millis, 3)}Z`;
}

function meta(rng: Rng, referenceMs: number, style: number): TrivoreUser['meta'] {
  const created = referenceMs - Math.floor((30 + rng.next() * 2000) * DAY_MS);
  const modified = created + Math.floor(rng.next() * (referenceMs - created));
  // Whole seconds and microseconds come up often enough that every site has both.
  const at = (ms: number): string =>
    style === 0
      ? javaInstant(ms - (ms % 1000))
      : style === 1
        ? javaInstant(ms, rng.int(1, 999))
        : javaInstant(ms);
  return { created: at(created), lastModified: at(modified), location: '' };
}

export function generateGroups(
  count: number,
  rng: Rng,
  referenceMs: number,
  ids: Set<string>,
): TrivoreGroup[] {
  const pool = [...(count >= 2 ? [ADMIN_GROUP] : []), ...AWKWARD_GROUP_NAMES, ...shuffle(GROUP_NAMES, rng)];
  const groups: TrivoreGroup[] = [];
  for (let i = 0; i < count; i++) {
    const beyond = i - pool.length;
    const word = PROJECT_WORDS[beyond % PROJECT_WORDS.length] ?? 'Project';
    const name = pool[i] ?? `Project ${word} ${Math.floor(beyond / PROJECT_WORDS.length) + 1}`;
    const parent = groups.length > 0 && rng.chance(0.15) ? rng.pick(groups).id : undefined;
    const group: TrivoreGroup = {
      id: newId(rng, ids),
      name,
      nsCode: DEFAULT_NAMESPACE,
      memberOf: parent === undefined ? [] : [parent],
      meta: meta(rng, referenceMs, i % 3),
    };
    const description = describe(i, name, rng);
    if (description !== undefined) group.description = description;
    groups.push(group);
  }
  return groups;
}

function describe(index: number, name: string, rng: Rng): string | undefined {
  if (index === 1) return 'Line one\nline two, "quoted"';
  if (index === 2) return '=cmd|" /C calc"!A0';
  if (index === 3) return '';
  return rng.chance(0.7) ? `Members of ${name}` : undefined;
}

export interface GenerateUsersContext {
  readonly count: number;
  readonly rng: Rng;
  readonly referenceMs: number;
  readonly groupIds: readonly string[];
  /** The administrators' group: users 0 (TOTP) and 1 (no second factor) and a few others join it. */
  readonly adminGroupId?: string;
  /** Ids already used by users or groups; new ones are added. */
  readonly ids: Set<string>;
  /** Lower-cased usernames already used; new ones are added. */
  readonly usernames: Set<string>;
  /**
   * Position of the first new user in generation order. Small positions get fixed traits (no
   * e-mail, an unverified first address, locked, hostile names…) so even a tiny site has them.
   */
  readonly firstIndex?: number;
}

export function generateUsers(ctx: GenerateUsersContext): TrivoreUser[] {
  const { rng, referenceMs } = ctx;
  const users: TrivoreUser[] = [];
  const numbers = new Map<string, number>();
  const first = ctx.firstIndex ?? 0;
  for (let i = first; i < first + ctx.count; i++) {
    const legalEntity = i % 17 === 7;
    const hostile = i % 10 === 3 ? HOSTILE_NAMES[Math.floor(i / 10) % HOSTILE_NAMES.length] : undefined;
    const given: NamePart = hostile?.[0] ?? rng.pick(FIRST_NAMES);
    const family: NamePart = hostile?.[1] ?? rng.pick(LAST_NAMES);
    const middle = !legalEntity && rng.chance(0.2) ? rng.pick(FIRST_NAMES)[0] : '';
    const slug = `${given[1]}.${family[1]}`;
    const username = uniqueUsername(
      i % 5 === 0 ? `${slug}@${rng.pick(DOMAINS)}` : slug.replace(/@/g, '.'),
      ctx.usernames,
      numbers,
    );
    users.push({
      id: newId(rng, ctx.ids),
      username,
      userAccountType: legalEntity ? 'LEGAL_ENTITY' : 'PERSON',
      nsCode: rng.chance(0.1) ? PARTNER_NAMESPACE : DEFAULT_NAMESPACE,
      emails: emails(i, username.split('@')[0] ?? slug, rng),
      mobiles: rng.chance(0.4)
        ? [{ number: `+358 40 ${rng.int(100, 999)} ${rng.int(1000, 9999)}`, verified: rng.chance(0.7) }]
        : [],
      name: legalEntity
        ? { givenName: '', middleName: '', familyName: '' }
        : { givenName: given[0], middleName: middle, familyName: family[0] },
      memberOf: [
        ...pickDistinct(ctx.groupIds, pickGroupCount(rng), rng),
        ...(ctx.adminGroupId !== undefined && (i <= 1 || rng.chance(0.03)) ? [ctx.adminGroupId] : []),
      ],
      mfaMethod: i === 0 ? 'TOTP' : i === 1 ? 'NONE' : i === 2 ? 'SMS' : pickMfa(rng),
      locked: i === 4 || rng.chance(0.05),
      meta: meta(rng, referenceMs, i % 3),
    });
  }
  return users;
}

/** No e-mail, one, or an unverified address before the verified one: the choice a mapping must make. */
function emails(index: number, local: string, rng: Rng): TrivoreEmail[] {
  const address = (): string => {
    const value = `${local}${rng.chance(0.2) ? rng.int(1, 99) : ''}@${rng.pick(DOMAINS)}`;
    return rng.chance(0.1) ? value.replace(/^[a-z]/, (c) => c.toUpperCase()) : value;
  };
  const r = rng.next();
  if (index === 1 || (index > 5 && r < 0.08)) return [];
  if (index === 2 || (index > 5 && r < 0.23)) {
    return [
      { address: `old.${address()}`, verified: false },
      { address: address(), verified: true, name: 'work', tags: ['primary'] },
    ];
  }
  if (index === 3 || (index > 5 && r < 0.35)) return [{ address: address(), verified: false }];
  return [{ address: address(), verified: true }];
}

/**
 * Numbers a taken username (ada.smith2, ada.smith3@…). The next number per name is remembered:
 * probing from 2 every time made large sites quadratic.
 */
function uniqueUsername(wanted: string, taken: Set<string>, next: Map<string, number>): string {
  const key = wanted.toLowerCase();
  if (!taken.has(key)) {
    taken.add(key);
    return wanted;
  }
  const at = wanted.indexOf('@');
  const numbered = (n: number): string =>
    at === -1 ? `${wanted}${n}` : `${wanted.slice(0, at)}${n}${wanted.slice(at)}`;
  let n = next.get(key) ?? 2;
  while (taken.has(numbered(n).toLowerCase())) n += 1;
  next.set(key, n + 1);
  const candidate = numbered(n);
  taken.add(candidate.toLowerCase());
  return candidate;
}

function pickMfa(rng: Rng): TrivoreMfaMethod {
  const r = rng.next();
  return r < 0.4 ? 'NONE' : r < 0.85 ? 'TOTP' : 'SMS';
}

export { DEFAULT_REFERENCE_DATE, parseReferenceDate } from '../shared/site-options.ts';
