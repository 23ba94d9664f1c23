import * as z from 'zod';
import type {
  RestoreCapabilities,
  RestoreStep,
  RestoreWriter,
  StepContext,
  StepOutcome,
} from '../../restore/port.ts';
import { SiteError } from '../../shared/errors.ts';
import type { HttpResponse } from '../../shared/http/client.ts';
import { HttpError } from '../../shared/http/errors.ts';
import type { CanonicalGroup, CanonicalUser } from '../../shared/model.ts';
import type { LumAppsApi } from './api.ts';
import { envelopeMessage, failedRequest } from './site-errors.ts';

/**
 * LumApps' writes for a restore (providers.md §3 "Restore implications"): `feed/save` re-creates a
 * feed (with a NEW id), `user/save` creates an external user or enables a disabled one (get, change
 * `status`, save the whole object), `feed/subscribers/save` adds memberships. LumApps has no user
 * delete and rollcall never deletes anything: no DELETE is ever sent, and no membership is removed.
 *
 * LumApps has no validate-only mode, so a dry run sends nothing at all (not even a read) and
 * reports what it checked locally: the fields LumApps requires, and which feeds the step needs are
 * not on the site yet (a feed the plan re-creates first has no live key until the apply).
 * Applied for real, a step whose feeds are not all on the site is rejected before anything is sent.
 */

const cannotRestore: readonly string[] = [
  'Re-created feeds get new ids. Only memberships are carried over to the new id; everything else that named the old feed ' +
    '(role "feeds[]" and authorizations, content and community audiences, navigation and widgets restricted to the feed) ' +
    'is not restored and must be set again.',
  'Feeds synchronised from a Google or Microsoft group are re-created linked to the same group, and LumApps refills their ' +
    'members from the identity provider asynchronously: a snapshot taken right after the restore may show them empty or ' +
    'partial.',
  'Memberships come back as ordinary members: a feed owner (subscription level OWNER) is not restored as owner.',
  'Users are re-created as external accounts with their e-mail, first and last name, hidden flag and disabled status ' +
    'from the snapshot, and no password: they cannot sign in until a password is set or reset in LumApps. A user who ' +
    'came from Google, Microsoft or Okta loses that link until the identity provider provisions them again.',
  'The rest of a user profile is not sent back: language, custom profile fields, profile picture, alternate e-mail, ' +
    'settings, super-admin and instance-admin rights.',
  'Enabling a user changes only its status: a user hidden from search and the directory (isHidden) on the site stays ' +
    'hidden.',
];

const capabilities: RestoreCapabilities = {
  createsGroups: true,
  createsUsers: true,
  enablesUsers: true,
  addsMemberships: true,
  serverDryRun: false,
  cannotRestore,
};

/** What the writer reads of a saved record; the rest passes through untouched. */
const savedRecordSchema = z.looseObject({
  id: z.string().min(1),
  email: z.string().nullable().optional(),
  status: z.string().optional(),
  isHidden: z.boolean().optional(),
});

/** Network failures that mean the request never reached the site. */
const UNREACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type Raw = Readonly<Record<string, unknown>>;

const rawOf = (raw: unknown): Raw =>
  typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Raw) : {};
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;
const quoted = (value: string): string =>
  JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
const listed = (keys: readonly string[]): string => keys.map(quoted).join(', ');
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** What the site said in a refusal: its message, or the status alone. */
function siteSaid(response: HttpResponse): string {
  const message = envelopeMessage(response.body);
  return message === undefined ? `HTTP ${response.status}` : `HTTP ${response.status}: ${message}`;
}

/** A step that cannot be sent, whatever the mode: nothing was sent. */
const refusedLocally = (detail: string): StepOutcome => ({ status: 'rejected', detail });

/**
 * The answers that say the site as a whole cannot take writes (403: the user or application may
 * not write; 3xx: the base URL is wrong): the restore stops rather than collect one refusal per step.
 */
function unusable(api: LumAppsApi, response: HttpResponse, what: string): SiteError | undefined {
  if (response.status === 403) {
    return new SiteError(
      'auth',
      `${api.label}: the API refused ${what} (${siteSaid(response)}). The user named in userEmail must be an administrator ` +
        'of the organization, and the OAuth application needs write access (for example the all.admin scope) for a restore.',
    );
  }
  if (response.status >= 300 && response.status < 400) {
    return new SiteError(
      'protocol',
      `${api.label}: ${what} was redirected (${response.status}); set the site's baseUrl to the address the API really answers on.`,
    );
  }
  return undefined;
}

/** Maps snapshot feed keys to live ones; the keys with none are missing from the site. */
function liveFeeds(
  keys: readonly string[],
  context: StepContext,
): { readonly live: string[]; readonly missing: string[] } {
  const live: string[] = [];
  const missing: string[] = [];
  for (const key of new Set(keys)) {
    const found = context.liveGroupKey(key);
    if (found === undefined || found === '') missing.push(key);
    else if (!live.includes(found)) live.push(found);
  }
  return { live, missing };
}

/**
 * In a dry run nothing is created, so a feed the plan re-creates in an earlier step has no live
 * key yet: the step is checked without it, and says so.
 */
const notYet = (missing: readonly string[]): string =>
  missing.length === 0
    ? ''
    : missing.length === 1
      ? ` Feed ${listed(missing)} is not on the site yet: the apply needs it re-created first (with a new id).`
      : ` Feeds ${listed(missing)} are not on the site yet: the apply needs them re-created first (with new ids).`;

const missingFeeds = (missing: readonly string[]): string =>
  `${missing.length === 1 ? 'feed' : 'feeds'} ${listed(missing)} of the snapshot ${missing.length === 1 ? 'does' : 'do'} ` +
  'not exist on the site (re-create them first; a re-created feed has a new id)';

export function createLumAppsRestoreWriter(api: LumAppsApi): RestoreWriter {
  /**
   * A create's POST is not repeated on 429/5xx/network failures: a repeated `feed/save` would make
   * a second feed. Its failure becomes a refusal saying whether it may have been applied, except a
   * site that cannot be reached at all, which ends the restore.
   */
  async function create(
    route: string,
    body: unknown,
    what: string,
  ): Promise<{ readonly response: HttpResponse } | { readonly outcome: StepOutcome }> {
    try {
      return { response: await api.post(route, body) };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.kind === 'network' && error.code !== undefined && UNREACHED.has(error.code)) {
        throw failedRequest(api, error, `POST ${route}`);
      }
      if (error.kind === 'status' && error.rateLimited) {
        return {
          outcome: refusedLocally(
            `${what}: LumApps kept rate-limiting the request (${error.message}), so nothing was created. ` +
              "Run the restore again later, or lower the site's requestsPerSecond.",
          ),
        };
      }
      return {
        outcome: refusedLocally(
          `${what}: the request failed (${error.message}) and was not repeated, because it may have been applied. ` +
            'Check the site before running the restore again.',
        ),
      };
    }
  }

  /** A write that is safe to repeat (the same end state): retried; a failure after retries ends the restore. */
  async function idempotent(route: string, body: unknown): Promise<HttpResponse> {
    try {
      return await api.post(route, body, { retry: true });
    } catch (error) {
      throw error instanceof HttpError ? failedRequest(api, error, `POST ${route}`) : error;
    }
  }

  /**
   * Adds `user` (an id or e-mail) to each feed, one `feed/subscribers/save` per feed. Stops at the
   * first refusal; a failure after retries throws only when nothing was added yet (and
   * `nothingDoneYet`), so what was applied is always reported.
   */
  async function addToFeeds(
    user: string,
    feeds: readonly string[],
    nothingDoneYet: boolean,
  ): Promise<{ readonly added: string[]; readonly problem?: string }> {
    const added: string[] = [];
    for (const feed of feeds) {
      let response: HttpResponse;
      try {
        response = await idempotent('feed/subscribers/save', { feed, addedUsers: [user], removedUsers: [] });
      } catch (error) {
        if (nothingDoneYet && added.length === 0) throw error;
        if (!(error instanceof SiteError)) throw error;
        return { added, problem: `adding it to feed ${quoted(feed)} failed: ${error.message}` };
      }
      if (response.status >= 200 && response.status < 300) {
        added.push(feed);
        continue;
      }
      const stop = unusable(api, response, 'a membership change (POST feed/subscribers/save)');
      if (stop !== undefined && nothingDoneYet && added.length === 0) throw stop;
      return { added, problem: `LumApps refused to add it to feed ${quoted(feed)} (${siteSaid(response)})` };
    }
    return { added };
  }

  async function createGroup(group: CanonicalGroup, context: StepContext): Promise<StepOutcome> {
    const raw = rawOf(group.raw);
    const name = text(group.name);
    const what = `feed ${quoted(group.name)} (${group.key} in the snapshot)`;
    if (name === undefined)
      return refusedLocally(`${what}: the snapshot has no name for it, which LumApps needs.`);
    const type = text(raw.type);
    if (type === undefined) {
      return refusedLocally(
        `${what}: the snapshot has no feed type for it ("type"), which LumApps needs to create a feed.`,
      );
    }
    const idpGroup = text(raw.group);
    const linked = idpGroup !== undefined || (Array.isArray(raw.groups) && raw.groups.length > 0);
    const body: Record<string, unknown> = { name, type };
    for (const field of ['instance', 'functionalInnerId', 'group', 'identityProvider'] as const) {
      const value = text(raw[field]);
      if (value !== undefined) body[field] = value;
    }
    if (typeof raw.heritable === 'boolean') body.heritable = raw.heritable;
    if (Array.isArray(raw.groups) && raw.groups.length > 0) body.groups = raw.groups;
    const synced = linked
      ? `; linked again to its identity provider group${idpGroup === undefined ? '' : ` ${quoted(idpGroup)}`}, whose ` +
        'members LumApps fills in asynchronously'
      : '';

    if (context.dryRun) {
      return {
        status: 'validated',
        detail: `checked locally: ${what} has the name and feed type LumApps needs; it would be created with a new id${synced}.`,
      };
    }
    const sent = await create('feed/save', body, `creating ${what}`);
    if ('outcome' in sent) return sent.outcome;
    const answer = sent.response;
    if (answer.status === 409)
      return { status: 'exists', detail: `${what}: LumApps says it exists (${siteSaid(answer)}).` };
    if (answer.status < 200 || answer.status >= 300) {
      const stop = unusable(api, answer, 'creating a feed (POST feed/save)');
      if (stop !== undefined) throw stop;
      return { status: 'rejected', detail: `${what}: LumApps refused to create it (${siteSaid(answer)}).` };
    }
    const saved = savedRecordSchema.safeParse(answer.body);
    if (!saved.success) {
      return {
        status: 'done',
        detail: `created ${what}, but the answer has no readable id: find the new feed on the site; memberships cannot follow it in this restore.`,
      };
    }
    return {
      status: 'done',
      liveKey: saved.data.id,
      detail: `created ${what} as ${saved.data.id}${synced}.`,
    };
  }

  async function createUser(
    user: CanonicalUser,
    groups: readonly string[],
    context: StepContext,
  ): Promise<StepOutcome> {
    const raw = rawOf(user.raw);
    const email = text(user.email) ?? text(raw.email);
    const who = `user ${quoted(email ?? user.key)}`;
    if (email === undefined || !/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      return refusedLocally(
        `${who}: the snapshot has no usable e-mail for it, which LumApps needs to create a user.`,
      );
    }
    const firstName = text(user.firstName) ?? text(raw.firstName);
    const lastName = text(user.lastName) ?? text(raw.lastName);
    const absent = [
      firstName === undefined ? 'first name' : '',
      lastName === undefined ? 'last name' : '',
    ].filter(Boolean);
    if (absent.length > 0) {
      return refusedLocally(
        `${who}: the snapshot has no ${absent.join(' and ')}, which LumApps needs to create a user.`,
      );
    }
    const feeds = liveFeeds(groups, context);
    if (feeds.missing.length > 0 && !context.dryRun)
      return refusedLocally(`${who}: ${missingFeeds(feeds.missing)}; nothing was sent.`);

    const body: Record<string, unknown> = {
      email: email.trim(),
      firstName,
      lastName,
      accountType: 'external',
    };
    if (typeof raw.isHidden === 'boolean') body.isHidden = raw.isHidden;
    // The snapshot's disabled user comes back disabled: a restore never grants more than there was.
    if (user.status === 'disabled' || raw.status === 'disabled') body.status = 'disabled';
    const accountType = text(raw.accountType);
    const former =
      accountType === undefined || accountType === 'external'
        ? ''
        : ` (it was a ${accountType} account: the identity provider may provision it again)`;
    const into = feeds.live.length === 0 ? '' : ` and added to ${plural(feeds.live.length, 'feed', 'feeds')}`;

    if (context.dryRun) {
      return {
        status: 'validated',
        detail:
          `checked locally: ${who} has the e-mail, first and last name LumApps needs; it would be created as an ` +
          `external account without a password${into}${former}.${notYet(feeds.missing)}`,
      };
    }
    const sent = await create('user/save', body, `creating ${who}`);
    if ('outcome' in sent) return sent.outcome;
    const answer = sent.response;
    if (answer.status === 409) {
      const liveKey = await userIdByEmail(email.trim());
      return {
        status: 'exists',
        ...(liveKey === undefined ? {} : { liveKey }),
        detail: `${who} already exists on the site${liveKey === undefined ? '' : ` (${liveKey})`}: nothing was changed.`,
      };
    }
    if (answer.status < 200 || answer.status >= 300) {
      const stop = unusable(api, answer, 'creating a user (POST user/save)');
      if (stop !== undefined) throw stop;
      return { status: 'rejected', detail: `${who}: LumApps refused to create it (${siteSaid(answer)}).` };
    }
    const saved = savedRecordSchema.safeParse(answer.body);
    const liveKey = saved.success ? saved.data.id : undefined;
    const created =
      `created ${who}${liveKey === undefined ? ' (the answer has no readable id)' : ` as ${liveKey}`}, an external ` +
      `account without a password: they cannot sign in until a password is set or reset in LumApps${former}`;
    if (feeds.live.length === 0)
      return { status: 'done', ...(liveKey === undefined ? {} : { liveKey }), detail: `${created}.` };

    // LumApps takes an id or an e-mail here; the id cannot be mistaken for another account.
    const result = await addToFeeds(liveKey ?? email.trim(), feeds.live, false);
    if (result.problem !== undefined) {
      const some = result.added.length === 0 ? '' : `; added it to ${listed(result.added)}`;
      return {
        status: 'rejected',
        detail: `${created}${some}; but ${result.problem}. Run the restore again to add the remaining memberships.`,
      };
    }
    return {
      status: 'done',
      ...(liveKey === undefined ? {} : { liveKey }),
      detail: `${created}; added it to ${listed(result.added)}.`,
    };
  }

  /** The id of the user with this e-mail, for an `exists` answer; undefined when it cannot be read. */
  async function userIdByEmail(email: string): Promise<string | undefined> {
    try {
      const response = await api.get('user/get', new URLSearchParams({ email }));
      if (response.status !== 200) return undefined;
      const parsed = savedRecordSchema.safeParse(response.body);
      if (!parsed.success || parsed.data.email?.toLowerCase() !== email.toLowerCase()) return undefined;
      return parsed.data.id;
    } catch (error) {
      if (error instanceof SiteError) return undefined;
      throw error;
    }
  }

  async function enableUser(
    user: CanonicalUser,
    liveKey: string,
    context: StepContext,
  ): Promise<StepOutcome> {
    const who = `user ${quoted(user.email ?? liveKey)} (${liveKey})`;
    if (liveKey.trim() === '')
      return refusedLocally(`user ${quoted(user.email ?? user.key)}: no live user to enable.`);
    if (context.dryRun) {
      return {
        status: 'validated',
        detail: `checked locally: ${who} would be read (user/get) and saved back whole with status "enabled".`,
      };
    }
    // Always with the parameter: without one, user/get answers the token's own user.
    const got = await api.get('user/get', new URLSearchParams({ uid: liveKey }));
    if (got.status === 404)
      return { status: 'rejected', detail: `${who}: LumApps has no such user (${siteSaid(got)}).` };
    if (got.status !== 200) {
      const stop = unusable(api, got, 'reading a user (GET user/get)');
      if (stop !== undefined) throw stop;
      return { status: 'rejected', detail: `${who}: LumApps would not return it (${siteSaid(got)}).` };
    }
    const current = savedRecordSchema.safeParse(got.body);
    if (!current.success || current.data.id !== liveKey) {
      return {
        status: 'rejected',
        detail: `${who}: user/get answered a record that is not this user; nothing was sent.`,
      };
    }
    const hidden =
      current.data.isHidden === true
        ? `; it stays hidden from search and the directory (isHidden) as on the site now${
            rawOf(user.raw).isHidden === true ? '' : ', though the snapshot had it visible'
          }`
        : '';
    if (current.data.status === undefined || current.data.status === 'enabled') {
      return { status: 'done', detail: `${who} is already enabled: nothing was sent${hidden}.` };
    }
    // The vendor's documented update: the whole object as user/get returned it, with the change.
    const saved = await idempotent('user/save', { ...(got.body as Raw), status: 'enabled' });
    if (saved.status < 200 || saved.status >= 300) {
      const stop = unusable(api, saved, 'enabling a user (POST user/save)');
      if (stop !== undefined) throw stop;
      return { status: 'rejected', detail: `${who}: LumApps refused to enable it (${siteSaid(saved)}).` };
    }
    return { status: 'done', liveKey, detail: `enabled ${who}${hidden}.` };
  }

  async function addMemberships(
    user: CanonicalUser,
    liveKey: string,
    liveGroups: readonly string[],
    groups: readonly string[],
    context: StepContext,
  ): Promise<StepOutcome> {
    const who = `user ${quoted(user.email ?? liveKey)} (${liveKey})`;
    if (liveKey.trim() === '')
      return refusedLocally(`user ${quoted(user.email ?? user.key)}: no live user to add to feeds.`);
    const feeds = liveFeeds(groups, context);
    const toAdd = feeds.live.filter((feed) => !liveGroups.includes(feed));
    if (context.dryRun) {
      const adds =
        toAdd.length > 0
          ? `${who} would be added to ${listed(toAdd)} (feed/subscribers/save)`
          : feeds.missing.length > 0
            ? `${who} has no membership to add in the feeds on the site now`
            : `${who} is in every feed already; nothing would be sent`;
      return { status: 'validated', detail: `checked locally: ${adds}.${notYet(feeds.missing)}` };
    }
    if (feeds.missing.length > 0) {
      return refusedLocally(`${who}: ${missingFeeds(feeds.missing)}; no membership was added.`);
    }
    if (toAdd.length === 0)
      return { status: 'done', detail: `${who} is already in every feed: nothing was sent.` };
    const result = await addToFeeds(liveKey, toAdd, true);
    if (result.problem !== undefined) {
      const some = result.added.length === 0 ? '' : `added it to ${listed(result.added)}; but `;
      return { status: 'rejected', detail: `${who}: ${some}${result.problem}.` };
    }
    return { status: 'done', detail: `added ${who} to ${listed(result.added)}.` };
  }

  return {
    capabilities,
    perform(step: RestoreStep, context: StepContext): Promise<StepOutcome> {
      switch (step.kind) {
        case 'create-group':
          return createGroup(step.group, context);
        case 'create-user':
          return createUser(step.user, step.groups, context);
        case 'enable-user':
          return enableUser(step.user, step.liveKey, context);
        case 'add-memberships':
          return addMemberships(step.user, step.liveKey, step.liveGroups, step.groups, context);
      }
    },
  };
}
