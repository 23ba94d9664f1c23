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
import { createRng, pickDistinct, type Rng } from '../shared/prng.ts';
import { checkCount, compareCodeUnits, parseReferenceDate } from '../shared/site-options.ts';
import type {
  LumAppsAccountType,
  LumAppsFeed,
  LumAppsSubscription,
  LumAppsUser,
  LumAppsUserStatus,
} from './types.ts';

/** What kind of account a generated user is; hidden and disabled users are the ones backups miss. */
export type UserKind = 'admin' | 'ordinary' | 'hidden' | 'disabled' | 'hidden-disabled';

export interface GenerateOptions {
  /** Enabled, visible users, the admin the token acts as included (so at least 1). */
  readonly users: number;
  readonly feeds: number;
  /** Extra users with `isHidden: true` (enabled). */
  readonly hiddenUsers: number;
  /** Extra users with `status: "disabled"`; every third of them is hidden as well. */
  readonly disabledUsers: number;
  readonly seed: number;
  readonly organizationId: string;
  readonly adminEmail: string;
  /** Every timestamp is in the past of this instant, so data never depends on the wall clock. */
  readonly referenceDate?: string;
}

export interface SiteData {
  /** In id order, as the listing pages them. */
  users: LumAppsUser[];
  feeds: LumAppsFeed[];
}

export const compareIds = compareCodeUnits;

const DAY_MS = 86_400_000;

/** A Datastore-style numeric id: 16 digits, spread over the whole range, unique within `taken`. */
export function newId(rng: Rng, taken: Set<string>): string {
  for (;;) {
    let id = String(rng.int(4, 6));
    for (let i = 0; i < 15; i++) id += String(rng.int(0, 9));
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * The API's timestamp form: ISO without a zone, with microseconds (`2019-03-12T11:48:55.684166`).
 * Python's isoformat() drops the fraction when it is zero, and so does this.
 */
export function naiveTimestamp(ms: number, microseconds: number): string {
  const date = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  const micros = (ms % 1000) * 1000 + microseconds;
  return micros === 0 ? date : `${date}.${pad(micros, 6)}`;
}

/** Shared by the first generation and by drift, so both make the same kinds of records. */
export interface UserContext {
  readonly rng: Rng;
  readonly referenceMs: number;
  readonly organizationId: string;
  readonly feedIds: readonly string[];
  readonly instanceIds: readonly string[];
  /** Ids in use (users, feeds, subscriptions); new ones are added. */
  readonly ids: Set<string>;
  /** Lower-cased e-mails in use; new ones are added. */
  readonly emails: Set<string>;
}

export function generateSiteData(options: GenerateOptions): SiteData {
  checkCount('users', options.users, 1);
  checkCount('feeds', options.feeds);
  checkCount('hiddenUsers', options.hiddenUsers);
  checkCount('disabledUsers', options.disabledUsers);
  const rng = createRng(options.seed);
  const referenceMs = parseReferenceDate(options.referenceDate);
  const ids = new Set<string>();
  const instanceIds = [newId(rng, ids), newId(rng, ids)];
  const feedTypes = [newId(rng, ids), newId(rng, ids), newId(rng, ids)];
  const feeds = generateFeeds(options.feeds, rng, {
    referenceMs,
    organizationId: options.organizationId,
    instanceIds,
    feedTypes,
    ids,
  });
  const ctx: UserContext = {
    rng,
    referenceMs,
    organizationId: options.organizationId,
    feedIds: feeds.map((feed) => feed.id),
    instanceIds,
    ids,
    emails: new Set([options.adminEmail.toLowerCase()]),
  };
  const users: LumAppsUser[] = [generateUser(ctx, 0, 'admin', options.adminEmail)];
  let index = 1;
  for (; index < options.users; index++) users.push(generateUser(ctx, index, 'ordinary'));
  for (let i = 0; i < options.hiddenUsers; i++) users.push(generateUser(ctx, index++, 'hidden'));
  for (let i = 0; i < options.disabledUsers; i++) {
    // Offboarding often hides an account as well as disabling it.
    users.push(generateUser(ctx, index++, i % 3 === 2 ? 'hidden-disabled' : 'disabled'));
  }
  return {
    users: users.sort((a, b) => compareIds(a.id, b.id)),
    feeds: feeds.sort((a, b) => compareIds(a.id, b.id)),
  };
}

interface FeedContext {
  readonly referenceMs: number;
  readonly organizationId: string;
  readonly instanceIds: readonly string[];
  readonly feedTypes: readonly string[];
  readonly ids: Set<string>;
}

function generateFeeds(count: number, rng: Rng, ctx: FeedContext): LumAppsFeed[] {
  const pool = [...AWKWARD_GROUP_NAMES, ...GROUP_NAMES];
  const feeds: LumAppsFeed[] = [];
  for (let i = 0; i < count; i++) {
    const beyond = i - pool.length;
    const word = PROJECT_WORDS[beyond % PROJECT_WORDS.length] ?? 'Project';
    const name = pool[i] ?? `Project ${word} ${Math.floor(beyond / PROJECT_WORDS.length) + 1}`;
    const id = newId(rng, ctx.ids);
    const created = ctx.referenceMs - rng.int(30, 2500) * DAY_MS - rng.int(0, DAY_MS - 1);
    const updated = created + Math.floor(rng.next() * (ctx.referenceMs - created));
    // Synchronised feeds mirror a group of the identity provider; their members come from it.
    const synced = i % 4 === 1 || rng.chance(0.15);
    const provider = rng.chance(0.5) ? 'google' : 'microsoft';
    feeds.push({
      id,
      uid: id,
      name,
      type: rng.pick(ctx.feedTypes),
      customer: ctx.organizationId,
      ...(i % 3 === 0 ? {} : { instance: rng.pick(ctx.instanceIds) }),
      status: 'enabled',
      createdAt: naiveTimestamp(created, rng.int(0, 999)),
      updatedAt: naiveTimestamp(updated, rng.int(0, 999)),
      heritable: rng.chance(0.7),
      synchronized: synced,
      ...(synced ? { group: `group-${i}@rollcall-demo.example`, identityProvider: provider } : {}),
    });
  }
  return feeds;
}

const ACCOUNT_MIX: readonly [LumAppsAccountType, number][] = [
  ['google', 0.45],
  ['microsoft', 0.75],
  ['okta', 0.85],
  ['external', 1],
];

function pickAccountType(rng: Rng): LumAppsAccountType {
  const r = rng.next();
  return (ACCOUNT_MIX.find(([, upTo]) => r < upTo) ?? ACCOUNT_MIX[0])?.[0] ?? 'google';
}

/**
 * One user. `index` is its position in the site's generation order: small positions get fixed
 * traits (a hostile name, a record without `status`, a timestamp without fraction, a withdrawn
 * membership) so even a tiny site has every awkward case.
 */
export function generateUser(ctx: UserContext, index: number, kind: UserKind, email?: string): LumAppsUser {
  const { rng, referenceMs } = ctx;
  const hostile = index % 10 === 3 ? HOSTILE_NAMES[Math.floor(index / 10) % HOSTILE_NAMES.length] : undefined;
  const first: NamePart = hostile?.[0] ?? (kind === 'admin' ? ['Site', 'site'] : rng.pick(FIRST_NAMES));
  const last: NamePart = hostile?.[1] ?? (kind === 'admin' ? ['Admin', 'admin'] : rng.pick(LAST_NAMES));
  const address = email ?? uniqueEmail(`${first[1]}.${last[1]}@${rng.pick(DOMAINS)}`, ctx.emails);
  const accountType: LumAppsAccountType = kind === 'admin' ? 'google' : pickAccountType(rng);
  const id = newId(rng, ctx.ids);
  const created = referenceMs - rng.int(1, 2500) * DAY_MS - rng.int(0, DAY_MS - 1);
  const updated = created + Math.floor(rng.next() * (referenceMs - created));
  // Python drops a zero fraction: a connector that insists on microseconds breaks on these.
  const micro = (): number => (index === 4 || rng.chance(0.01) ? 0 : rng.int(0, 999));
  const createdAt = naiveTimestamp(index === 4 ? created - (created % 1000) : created, micro());
  const lang = rng.pick(['en', 'fr', 'de', 'es', 'ja']);

  const status: LumAppsUserStatus | undefined =
    kind === 'disabled' || kind === 'hidden-disabled'
      ? 'disabled'
      : index === 2 || rng.chance(0.1)
        ? undefined
        : 'enabled';
  const hidden = kind === 'hidden' || kind === 'hidden-disabled';
  const sendsIsHidden = hidden || !(index === 2 || rng.chance(0.1));

  const subscriptions = pickDistinct(ctx.feedIds, pickFeedCount(rng), rng).map(
    (feed, position): LumAppsSubscription => ({
      id: newId(rng, ctx.ids),
      feed,
      level: rng.chance(0.1) ? 'OWNER' : 'MEMBER',
      status: (index === 6 && position === 0) || rng.chance(0.04) ? 'DELETED' : 'LIVE',
      createdAt: naiveTimestamp(created + Math.floor(rng.next() * (referenceMs - created)), rng.int(0, 999)),
    }),
  );

  const synced = accountType !== 'external';
  const user: LumAppsUser = {
    id,
    uid: id,
    email: address,
    firstName: first[0],
    lastName: last[0],
    fullName: `${first[0]} ${last[0]}`,
    accountType,
    ...(status === undefined ? {} : { status }),
    ...(sendsIsHidden ? { isHidden: hidden } : {}),
    createdAt,
    updatedAt: naiveTimestamp(updated, rng.int(0, 999)),
    customer: ctx.organizationId,
    isSuperAdmin: kind === 'admin' || rng.chance(0.01),
    instancesSuperAdmin: rng.chance(0.05) ? [rng.pick(ctx.instanceIds)] : [],
    lang,
    langs: [lang],
    subscriptions,
    synchronized: synced,
  };
  if (synced)
    user.lastSynchronization = naiveTimestamp(referenceMs - rng.int(0, 3 * DAY_MS), rng.int(0, 999));
  else user.changePasswordAtNextLogin = rng.chance(0.2);
  // Mobile devices carry a `lastConnection`: a weak signal, not a login, which must not become one.
  if (index === 7 || rng.chance(0.12)) {
    user.devices = [
      {
        deviceId: `device-${id}`,
        platform: rng.chance(0.5) ? 'ANDROID' : 'IOS',
        lastConnection: naiveTimestamp(referenceMs - rng.int(0, 90 * DAY_MS), rng.int(0, 999)),
        status: 'LIVE',
      },
    ];
  }
  return user;
}

function uniqueEmail(email: string, taken: Set<string>): string {
  const at = email.lastIndexOf('@');
  let candidate = email;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) {
    candidate = `${email.slice(0, at)}${n}${email.slice(at)}`;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

function pickFeedCount(rng: Rng): number {
  const r = rng.next();
  return r < 0.25 ? 0 : r < 0.55 ? 1 : r < 0.8 ? 2 : r < 0.93 ? 3 : 4;
}

export { DEFAULT_REFERENCE_DATE, parseReferenceDate } from '../shared/site-options.ts';
