import * as z from 'zod';
import type {
  RestoreCapabilities,
  RestoreStep,
  RestoreWriter,
  StepContext,
  StepOutcome,
} from '../../restore/port.ts';
import type { HttpClient, HttpResponse } from '../../shared/http/client.ts';
import { HttpError } from '../../shared/http/errors.ts';
import type { CanonicalGroup, CanonicalUser } from '../../shared/model.ts';
import { formatIssuePath } from '../shared/issue-path.ts';
import {
  apiBase,
  basicToken,
  groupsPath,
  type TrivoreApi,
  type TrivoreCredentials,
  usersPath,
} from './api.ts';
import { errorBodySchema, userRecordSchema } from './schemas.ts';
import { failedRequest, missingPermissionOf, unexpectedResponse } from './site-errors.ts';

export const trivoreRestoreCapabilities: RestoreCapabilities = {
  createsGroups: true,
  createsUsers: true,
  // Trivore ID deletes users (a deleted one is created again); `locked` is its only other state.
  enablesUsers: false,
  addsMemberships: true,
  // No validate-only mode: a dry run checks each step locally and sends nothing.
  serverDryRun: false,
  cannotRestore: [
    'Trivore ids: re-created users and groups get new ids from the server; memberships (memberOf) are remapped to the new group ids, but anything outside Trivore ID that kept the old ids must be updated by hand',
    'passwords and MFA enrolment (TOTP, SMS): a re-created user has neither and sets them again (password reset or an invitation from Trivore ID)',
    "meta.created and meta.lastModified: Trivore ID stamps the time of the restore, so a re-created user's account age starts again",
    'server-owned state in the snapshot records is not sent: strong identification, consents the user gave, lock and MFA state (a user locked in the snapshot is created locked; a restore never unlocks anyone — that is a security decision made in Trivore ID)',
    'what the export does not read: custom roles and permissions, custom fields, enterprise and legal details kept behind their own /user/{id}/… endpoints',
    'nesting of a re-created group under a parent group that is not on the site when it is created',
  ],
};

/** The two writes a restore sends (never a DELETE), over the export's HTTP client. */
export interface TrivoreWrites {
  /** Sent once: the client does not retry a POST, so a caller that wants another try looks first. */
  post(path: string, json: unknown): Promise<HttpResponse>;
  /** A full replace: idempotent, so retried on 429/5xx like a GET. */
  put(path: string, json: unknown): Promise<HttpResponse>;
}

/** POST and PUT with the same Basic credentials, retries, pacing and scrubbing as the export's GETs. */
export function trivoreWrites(
  baseUrl: string,
  credentials: TrivoreCredentials,
  http: HttpClient,
): TrivoreWrites {
  const base = apiBase(baseUrl);
  const headers = { Authorization: `Basic ${basicToken(credentials)}`, Accept: 'application/json' };
  return {
    post: (path, json) => http.send({ method: 'POST', url: `${base}${path}`, headers, json, retry: false }),
    put: (path, json) => http.send({ method: 'PUT', url: `${base}${path}`, headers, json, retry: true }),
  };
}

/** Fields of a user record that the server owns, or that only the person can give again. */
const SERVER_OWNED_USER_FIELDS = [
  'id',
  'meta',
  'password',
  'mfaMethod',
  'locked',
  'strongIdentification',
  'consents',
  'memberOf',
] as const;
const SERVER_OWNED_GROUP_FIELDS = ['id', 'meta', 'memberOf'] as const;
/** A POST whose answer is lost is looked up, and sent again only when nothing was found. */
const POST_ATTEMPTS = 3;
const NO_DRY_RUN = 'Trivore ID has no validate-only mode, so the server has not seen it';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const withIdSchema = z.looseObject({ id: z.string().min(1) });
const memberOfSchema = z.looseObject({ memberOf: z.array(z.string()).nullish() });
const listingSchema = z.looseObject({ resources: z.array(z.unknown()) });

function without(record: Json, fields: readonly string[]): Json {
  const copy = { ...record };
  for (const field of fields) delete copy[field];
  return copy;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const quoteAll = (keys: readonly string[]): string => keys.map((key) => `"${key}"`).join(', ');

/** A value inside a `filter` string: quoted, with `"` and `\` escaped. */
const filterValue = (value: string): string => `"${value.replace(/[\\"]/g, '\\$&')}"`;

/** Snapshot group keys → live ids (once each, in order), and the keys that have none. */
function liveGroups(keys: readonly string[], context: StepContext): { live: string[]; missing: string[] } {
  const live: string[] = [];
  const missing: string[] = [];
  for (const key of keys) {
    const found = context.liveGroupKey(key);
    if (found === undefined) missing.push(key);
    else if (!live.includes(found)) live.push(found);
  }
  return { live, missing };
}

/**
 * Restores through the Trivore ID Management API: groups created again (with the snapshot's
 * fields, new ids), users created again directly in their groups (memberOf remapped to live ids),
 * lost groups added to existing users by reading the whole user and writing it back with the
 * groups appended. Only adds: never a DELETE, never a group removed, never a user unlocked.
 */
export function createTrivoreRestoreWriter(api: TrivoreApi, writes: TrivoreWrites): RestoreWriter {
  const io = new TrivoreRestoreIo(api, writes);
  return {
    capabilities: trivoreRestoreCapabilities,
    perform(step: RestoreStep, context: StepContext): Promise<StepOutcome> {
      switch (step.kind) {
        case 'create-group':
          return createGroup(io, step.group, context);
        case 'create-user':
          return createUser(io, step.user, step.groups, context);
        case 'add-memberships':
          return addMemberships(io, step.liveKey, step.groups, context);
        case 'enable-user':
          return Promise.resolve({
            status: 'rejected',
            detail:
              'Trivore ID has no disabled users to enable (a deleted user is created again instead). ' +
              'A locked user stays locked: unlocking is a security decision made in Trivore ID, never by a restore.',
          });
      }
    },
  };
}

async function createGroup(io: TrivoreRestoreIo, group: CanonicalGroup, context: StepContext) {
  const raw = isObject(group.raw) ? group.raw : {};
  const name = typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name : group.name;
  if (name.trim() === '') {
    return rejected(`group ${group.key} has no name in the snapshot, and Trivore ID requires one`);
  }
  const parents = Array.isArray(raw.memberOf)
    ? raw.memberOf.filter((key): key is string => typeof key === 'string')
    : [];
  const { live, missing } = liveGroups(parents, context);
  const body: Json = {
    ...without(raw, SERVER_OWNED_GROUP_FIELDS),
    name,
    ...(raw.description === undefined && group.description !== undefined
      ? { description: group.description }
      : {}),
    memberOf: live,
  };
  const what = `group "${name}"`;
  const unnested =
    missing.length === 0
      ? undefined
      : `not nested under ${plural(missing.length, 'parent group')} ${quoteAll(missing)}: not on the site`;
  if (context.dryRun) {
    const nesting = live.length === 0 ? '' : `, nested under ${plural(live.length, 'live group')}`;
    return validated(`POST /group for ${what}${nesting}`, unnested);
  }
  const outcome = await io.create(groupsPath, body, what, () => io.findGroup(name, body.nsCode));
  return unnested === undefined || outcome.status === 'rejected' ? outcome : note(outcome, unnested);
}

async function createUser(
  io: TrivoreRestoreIo,
  user: CanonicalUser,
  groups: readonly string[],
  context: StepContext,
): Promise<StepOutcome> {
  if (!isObject(user.raw)) return rejected(`user ${user.key} has no Trivore record in the snapshot`);
  const raw = user.raw;
  const parsed = userRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return rejected(
      `the snapshot's record of user ${user.key} is not a Trivore user (${formatIssuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'})`,
    );
  }
  const username = typeof raw.username === 'string' && raw.username.trim() !== '' ? raw.username : undefined;
  const addresses = (parsed.data.emails ?? [])
    .map((email) => email.address)
    .filter((address): address is string => typeof address === 'string' && address !== '');
  if (username === undefined && addresses.length === 0) {
    return rejected(`user ${user.key} has neither a username nor an e-mail address in the snapshot`);
  }
  const { live, missing } = liveGroups(groups, context);
  const who = `user ${username ?? addresses[0]}`;
  const absent = `${plural(missing.length, 'group')} of the snapshot ${missing.length === 1 ? 'is' : 'are'} not on the site: ${quoteAll(missing)}`;
  if (context.dryRun) {
    return validated(
      `POST /user for ${who} with ${username === undefined ? 'an e-mail address' : 'a username'} and ${plural(live.length, 'live group')}`,
      missing.length === 0 ? undefined : `${absent} yet; the apply needs them created first`,
    );
  }
  if (missing.length > 0) {
    // Without them the user would silently lose access; with the old ids, Trivore ID would take
    // them for group names and create groups called after them.
    return rejected(`${who} was not created: ${absent}. Restore those groups first, then run again.`);
  }
  const body: Json = {
    ...without(raw, SERVER_OWNED_USER_FIELDS),
    memberOf: live,
    // Lock state is not restored, except that a user locked in the snapshot is not created unlocked.
    ...(raw.locked === true ? { locked: true } : {}),
  };
  return io.create(usersPath, body, who, () => io.findUser(username, addresses));
}

async function addMemberships(
  io: TrivoreRestoreIo,
  liveKey: string,
  groups: readonly string[],
  context: StepContext,
): Promise<StepOutcome> {
  const { live, missing } = liveGroups(groups, context);
  const absent = `${plural(missing.length, 'group')} ${quoteAll(missing)} ${missing.length === 1 ? 'is' : 'are'} not on the site`;
  if (context.dryRun) {
    return validated(
      `GET then PUT of user ${liveKey}'s whole record with ${plural(live.length, 'group')} appended to memberOf`,
      missing.length === 0 ? undefined : `${absent} yet; the apply needs them created first`,
    );
  }
  if (missing.length > 0) {
    return rejected(
      `no group added to user ${liveKey}: ${absent}. Restore those groups first, then run again.`,
    );
  }
  return io.appendGroups(liveKey, live);
}

const rejected = (detail: string): StepOutcome => ({ status: 'rejected', detail });

function validated(what: string, caveat: string | undefined): StepOutcome {
  const detail = `checked locally: ${what}; ${NO_DRY_RUN}`;
  return { status: 'validated', detail: caveat === undefined ? detail : `${detail} (${caveat})` };
}

function note(outcome: StepOutcome, text: string): StepOutcome {
  return { ...outcome, detail: outcome.detail === undefined ? text : `${outcome.detail} (${text})` };
}

/** The requests behind the steps, and how their answers become outcomes. */
class TrivoreRestoreIo {
  constructor(
    private readonly api: TrivoreApi,
    private readonly writes: TrivoreWrites,
  ) {}

  /**
   * POSTs `body` to `path`: 201 is done with the new id, 409 is "exists" (with the live id, looked
   * up), another refusal is rejected in the server's words. When the answer is lost (a reset,
   * timeout, 5xx or a cut-off body) the record may have been created all the same, so it is looked
   * up before the POST is sent again: a restore never creates anything twice.
   */
  async create(
    path: string,
    body: Json,
    what: string,
    find: () => Promise<string | undefined>,
  ): Promise<StepOutcome> {
    const route = `POST /api/rest/v1${path}`;
    let lost: HttpError | undefined;
    for (let attempt = 1; attempt <= POST_ATTEMPTS; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.writes.post(path, body);
      } catch (error) {
        if (!(error instanceof HttpError)) throw failedRequest(this.api, error);
        lost = error;
        const found = await find();
        if (found !== undefined) {
          return {
            status: 'done',
            liveKey: found,
            detail: `created; the answer was lost (${error.message}) and ${what} was found on the site afterwards`,
          };
        }
        continue;
      }
      if (response.status >= 200 && response.status < 300) {
        const id = idOf(response) ?? (await find());
        return id === undefined
          ? { status: 'done', detail: `created ${what}, but the server did not say its new id` }
          : { status: 'done', liveKey: id, detail: `created ${what} with the new id ${id}` };
      }
      if (response.status === 409) {
        const found = await find();
        return {
          status: 'exists',
          ...(found === undefined ? {} : { liveKey: found }),
          detail: `${what} is already on the site (${this.said(response)})`,
        };
      }
      return this.refused(response, route, what);
    }
    return rejected(
      `${what} was not created: ${route} failed ${plural(POST_ATTEMPTS, 'time')} ` +
        `(last: ${lost?.message ?? 'no answer'}) and it was not found on the site afterwards`,
    );
  }

  /**
   * Adds `groupIds` to a user's memberOf the only way Trivore ID allows: the whole record is read
   * and written back (PUT replaces it), with the missing ids appended after the ones it has. The
   * record is read just before the write, so a group added on the site since the plan is kept.
   */
  async appendGroups(userId: string, groupIds: readonly string[]): Promise<StepOutcome> {
    const path = `${usersPath}/${encodeURIComponent(userId)}`;
    const route = `GET /api/rest/v1${usersPath}/{id}`;
    const read = await this.request(() => this.api.get(path, {}));
    if (read.status === 404) return rejected(`user ${userId} is no longer on the site`);
    if (read.status !== 200) return this.refused(read, route, `user ${userId}`);
    const parsed = memberOfSchema.safeParse(read.body);
    if (!parsed.success) {
      return rejected(`${route} answered with a record that is not a Trivore user: nothing was changed`);
    }
    const current = parsed.data.memberOf ?? [];
    const adding = groupIds.filter((id) => !current.includes(id));
    if (adding.length === 0) {
      return { status: 'exists', detail: `user ${userId} is already in every group: nothing was sent` };
    }
    const record = read.body as Json;
    const putRoute = `PUT /api/rest/v1${usersPath}/{id}`;
    const written = await this.request(() =>
      this.writes.put(path, { ...record, memberOf: [...current, ...adding] }),
    );
    if (written.status === 404) return rejected(`user ${userId} was deleted on the site during the restore`);
    if (written.status !== 200) return this.refused(written, putRoute, `user ${userId}`);
    const kept = memberOfSchema.safeParse(written.body);
    const dropped = kept.success ? adding.filter((id) => !(kept.data.memberOf ?? []).includes(id)) : [];
    if (dropped.length > 0) {
      return rejected(`${putRoute} answered 200 but the user is not in ${quoteAll(dropped)}`);
    }
    return { status: 'done', detail: `added ${plural(adding.length, 'group')} to user ${userId}` };
  }

  /** The id of the group named exactly `name` (in `nsCode` when given), if there is one. */
  async findGroup(name: string, nsCode: unknown): Promise<string | undefined> {
    const matches = await this.search(groupsPath, `name eq ${filterValue(name)}`);
    return matches.find(
      (group) => group.name === name && (typeof nsCode !== 'string' || group.nsCode === nsCode),
    )?.id;
  }

  /** The id of the user with this username (any case), else with one of these addresses. */
  async findUser(username: string | undefined, addresses: readonly string[]): Promise<string | undefined> {
    if (username !== undefined) {
      const wanted = username.toLowerCase();
      const matches = await this.search(usersPath, `username eq ${filterValue(username)}`);
      const found = matches.find(
        (user) => typeof user.username === 'string' && user.username.toLowerCase() === wanted,
      );
      if (found) return found.id;
    }
    for (const address of addresses) {
      const wanted = address.toLowerCase();
      const matches = await this.search(usersPath, `emails.address eq ${filterValue(address)}`);
      const found = matches.find(
        (user) =>
          Array.isArray(user.emails) &&
          user.emails.some((email) => isObject(email) && String(email.address).toLowerCase() === wanted),
      );
      if (found) return found.id;
    }
    return undefined;
  }

  /** The records a filtered listing finds (first page only: a lookup by name finds one or two). */
  private async search(path: string, filter: string): Promise<(Json & { id: string })[]> {
    const response = await this.request(() => this.api.get(path, { filter, startIndex: '0', count: '50' }));
    // A server that cannot search on that attribute refuses the filter: nothing can be found.
    if (response.status === 400) return [];
    if (response.status !== 200) throw unexpectedResponse(this.api, response, `GET /api/rest/v1${path}`);
    const page = listingSchema.safeParse(response.body);
    if (!page.success) return [];
    return page.data.resources.filter(
      (record): record is Json & { id: string } => withIdSchema.safeParse(record).success,
    );
  }

  /** A GET or PUT (retried by the client): when it fails for good, the site is unusable. */
  private async request(send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    try {
      return await send();
    } catch (error) {
      throw failedRequest(this.api, error);
    }
  }

  /**
   * A refusal as the step's outcome: bad credentials make the whole site unusable (thrown); a
   * missing permission, a validation error or any other 4xx rejects this step in the server's words.
   */
  private refused(response: HttpResponse, route: string, what: string): StepOutcome {
    if (response.status === 401) throw unexpectedResponse(this.api, response, route);
    const said = this.said(response);
    if (response.status === 403) {
      const permission = missingPermissionOf(said);
      return rejected(
        permission === undefined
          ? `${route} refused for ${what} (${said}): check the Management API client's permissions and namespaces in Trivore ID`
          : `${route} refused for ${what}: the Management API client lacks the permission ${permission} (${said}). Grant it in Trivore ID, then run again.`,
      );
    }
    if (response.status >= 300 && response.status < 400) {
      return rejected(
        `${route} was redirected (${said}): set the site's baseUrl to the address the API answers on`,
      );
    }
    return rejected(`${route} refused ${what} (${said})`);
  }

  /** `HTTP 400: "Invalid user: …"`, with the server's own message (secrets already scrubbed by the HTTP client) cut to length. */
  private said(response: HttpResponse): string {
    const parsed = errorBodySchema.safeParse(response.body);
    const text = parsed.success ? parsed.data.errorMessage.trim() : '';
    if (text === '') return `HTTP ${response.status}`;
    return `HTTP ${response.status}: "${text.length > 300 ? `${text.slice(0, 300)}…` : text}"`;
  }
}

/** The new record's id: from the 201 body, else from its `Location`. */
function idOf(response: HttpResponse): string | undefined {
  const parsed = withIdSchema.safeParse(response.body);
  if (parsed.success) return parsed.data.id;
  const location = response.headers.get('location');
  const last = location?.split('?')[0]?.split('/').filter(Boolean).at(-1);
  if (last === undefined) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return undefined;
  }
}
