/**
 * The write side: `POST /user` and `/group` (201, a new server-assigned id), `PUT /user/{id}` and
 * `/group/{id}` (200, the whole writable object replaced), `DELETE` of either (204). Bodies are
 * checked by ./write-bodies.ts; this file decides conflicts, ids and what is stored.
 */
import { type Reply, reply } from '../../shared/http.ts';
import type { Rng } from '../../shared/prng.ts';
import { DEFAULT_NAMESPACE, javaInstant, newId } from '../data.ts';
import { trivoreError } from '../errors.ts';
import type { TrivoreStore } from '../store.ts';
import type { TrivoreGroup, TrivoreUser } from '../types.ts';
import { type GroupBody, parseGroupBody, parseUserBody, type UserBody } from './write-bodies.ts';

export interface WriteSettings {
  readonly store: TrivoreStore;
  /** New ids (seeded, so a run is reproducible). */
  readonly rng: Rng;
  /** Written records are stamped with this instant: runs stay reproducible. */
  readonly referenceMs: number;
}

/** What a write did beyond its status, for the request log. */
export interface WriteEffects {
  /** The id a POST gave the new record. */
  createdId?: string;
  /** Groups a `memberOf` entry naming no group made (the vendor's documented trap). */
  autoCreatedGroups?: { id: string; name: string }[];
}

type Json = Record<string, unknown>;

const lower = (text: string): string => text.toLowerCase();

function takenIds(store: TrivoreStore): Set<string> {
  return new Set([...store.users.all(), ...store.groups.all()].map((record) => record.id));
}

/** 201 with the record and, as Spring's `created()` does, its URL in `Location`. */
const created = (record: TrivoreUser | TrivoreGroup): Reply =>
  reply(201, record, { Location: record.meta.location });

/**
 * The first username or e-mail address of `body` that another user already has (case-insensitive).
 * A value `self` already has is never a conflict, so a PUT of an unchanged object always works.
 */
function conflict(store: TrivoreStore, body: UserBody, self?: TrivoreUser): string | undefined {
  const mine = new Set(self ? [self.username, ...self.emails.map((e) => e.address)].map(lower) : []);
  const username = body.username === undefined ? undefined : lower(body.username);
  const addresses = body.emails.map((email) => lower(email.address)).filter((a) => !mine.has(a));
  if (username === undefined && addresses.length === 0) return undefined;
  for (const user of store.users.all()) {
    if (user === self) continue;
    if (username !== undefined && !mine.has(username) && lower(user.username) === username) {
      return `Username is already in use: ${body.username}`;
    }
    const taken = user.emails.find((email) => addresses.includes(lower(email.address)));
    if (taken) return `Email address is already in use: ${taken.address}`;
  }
  return undefined;
}

/** The namespace's username policy when none is sent: the first address's local part, numbered if taken. */
function generatedUsername(store: TrivoreStore, body: UserBody): string | undefined {
  const local = body.emails[0]?.address.split('@')[0];
  if (!local) return undefined;
  const taken = new Set(store.users.all().map((user) => lower(user.username)));
  if (!taken.has(lower(local))) return local;
  for (let n = 2; ; n++) if (!taken.has(lower(`${local}${n}`))) return `${local}${n}`;
}

/**
 * `memberOf` entries as group ids: an id stays, a group's name becomes its id, and a name no group
 * has **creates that group** — as the vendor documents, so a client that sends names (or stale ids,
 * which look like names to the server) spawns groups. Entries resolving to one group count once.
 */
function resolveMemberOf(
  settings: WriteSettings,
  entries: readonly string[],
  nsCode: string,
  effects: WriteEffects,
): string[] {
  const { store } = settings;
  const ids: string[] = [];
  for (const entry of entries) {
    let id = store.groups.get(entry)?.id ?? store.groups.all().find((group) => group.name === entry)?.id;
    if (id === undefined) {
      const group = newGroup(settings, { name: entry, nsCode, description: undefined, memberOf: [] });
      store.addGroup(group);
      effects.autoCreatedGroups = [...(effects.autoCreatedGroups ?? []), { id: group.id, name: group.name }];
      id = group.id;
    }
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

function newGroup(
  settings: WriteSettings,
  fields: { name: string; nsCode: string; description: string | undefined; memberOf: string[] },
): TrivoreGroup {
  const at = javaInstant(settings.referenceMs);
  return {
    id: newId(settings.rng, takenIds(settings.store)),
    name: fields.name,
    ...(fields.description === undefined ? {} : { description: fields.description }),
    nsCode: fields.nsCode,
    memberOf: fields.memberOf,
    meta: { created: at, lastModified: at, location: '' },
  };
}

/** `POST /user`: 201 with the stored user and its new id; 409 for a username or address in use. */
export function createUser(settings: WriteSettings, json: Json, effects: WriteEffects): Reply {
  const body = parseUserBody(json);
  if (typeof body === 'string') return trivoreError(400, body);
  const { store } = settings;
  const username = body.username ?? generatedUsername(store, body);
  if (username === undefined) {
    return trivoreError(
      400,
      "Invalid user: the namespace's user policy requires a username or an e-mail address",
    );
  }
  const clash = conflict(store, { ...body, username });
  if (clash !== undefined) return trivoreError(409, clash);
  const nsCode = body.nsCode ?? DEFAULT_NAMESPACE;
  const at = javaInstant(settings.referenceMs);
  const user: TrivoreUser = {
    id: newId(settings.rng, takenIds(store)),
    username,
    userAccountType: body.userAccountType,
    nsCode,
    emails: body.emails,
    mobiles: body.mobiles,
    name: body.name,
    memberOf: resolveMemberOf(settings, body.memberOf, nsCode, effects),
    // MFA is enrolled by the user, never set through the API.
    mfaMethod: 'NONE',
    locked: body.locked,
    meta: { created: at, lastModified: at, location: '' },
  };
  store.addUser(user);
  effects.createdId = user.id;
  return created(user);
}

/**
 * `PUT /user/{id}`: the writable fields are replaced by the body's, so a field left out is
 * emptied (a client must send back the whole object it read). `mfaMethod` and `meta` stay the
 * server's; `nsCode` changes only through `/migratenamespace`.
 */
export function replaceUser(settings: WriteSettings, id: string, json: Json, effects: WriteEffects): Reply {
  const { store } = settings;
  const user = store.users.get(id);
  if (!user) return trivoreError(404, `User not found: ${id}`);
  const body = parseUserBody(json);
  if (typeof body === 'string') return trivoreError(400, body);
  if (body.id !== undefined && body.id !== id) {
    return trivoreError(400, `Invalid user: id ${body.id} does not match the path (${id})`);
  }
  if (body.username === undefined) return trivoreError(400, 'Invalid user: username is required');
  if (body.nsCode !== undefined && body.nsCode !== user.nsCode) {
    return trivoreError(400, 'Invalid user: nsCode cannot change here; use /user/{id}/migratenamespace');
  }
  const clash = conflict(store, body, user);
  if (clash !== undefined) return trivoreError(409, clash);
  Object.assign(user, {
    username: body.username,
    userAccountType: body.userAccountType,
    emails: body.emails,
    mobiles: body.mobiles,
    name: body.name,
    memberOf: resolveMemberOf(settings, body.memberOf, user.nsCode, effects),
    locked: body.locked,
  });
  user.meta.lastModified = javaInstant(settings.referenceMs);
  return reply(200, user);
}

function groupConflict(store: TrivoreStore, body: GroupBody, nsCode: string, self?: TrivoreGroup) {
  const taken = store.groups
    .all()
    .find((group) => group !== self && group.nsCode === nsCode && lower(group.name) === lower(body.name));
  return taken === undefined ? undefined : `Group name is already in use: ${taken.name}`;
}

/** Parent ids must name groups (unlike a user's `memberOf`, no names and no auto-creation). */
function unknownParent(store: TrivoreStore, body: GroupBody, self?: string): string | undefined {
  const bad = body.memberOf.find((parent) => parent === self || store.groups.get(parent) === undefined);
  if (bad === undefined) return undefined;
  return bad === self ? 'Invalid group: a group cannot be its own parent' : `Invalid group: no group ${bad}`;
}

/** `POST /group`: 201 with the stored group and its new id; 409 for a name the namespace has. */
export function createGroup(settings: WriteSettings, json: Json, effects: WriteEffects): Reply {
  const body = parseGroupBody(json);
  if (typeof body === 'string') return trivoreError(400, body);
  const { store } = settings;
  const nsCode = body.nsCode ?? DEFAULT_NAMESPACE;
  const bad = unknownParent(store, body);
  if (bad !== undefined) return trivoreError(400, bad);
  const clash = groupConflict(store, body, nsCode);
  if (clash !== undefined) return trivoreError(409, clash);
  const group = newGroup(settings, { ...body, nsCode });
  store.addGroup(group);
  effects.createdId = group.id;
  return created(group);
}

/** `PUT /group/{id}`: name, description and parents replaced; a description left out is removed. */
export function replaceGroup(settings: WriteSettings, id: string, json: Json): Reply {
  const { store } = settings;
  const group = store.groups.get(id);
  if (!group) return trivoreError(404, `Group not found: ${id}`);
  const body = parseGroupBody(json);
  if (typeof body === 'string') return trivoreError(400, body);
  if (body.id !== undefined && body.id !== id) {
    return trivoreError(400, `Invalid group: id ${body.id} does not match the path (${id})`);
  }
  if (body.nsCode !== undefined && body.nsCode !== group.nsCode) {
    return trivoreError(400, 'Invalid group: nsCode cannot change');
  }
  const bad = unknownParent(store, body, id);
  if (bad !== undefined) return trivoreError(400, bad);
  const clash = groupConflict(store, body, group.nsCode, group);
  if (clash !== undefined) return trivoreError(409, clash);
  group.name = body.name;
  if (body.description === undefined) delete group.description;
  else group.description = body.description;
  group.memberOf = body.memberOf;
  group.meta.lastModified = javaInstant(settings.referenceMs);
  return reply(200, group);
}

/** `DELETE /user/{id}` and `/group/{id}`: 204, no body; a deleted group leaves every `memberOf`. */
export function deleteRecord(store: TrivoreStore, resource: 'user' | 'group', id: string): Reply {
  const removed = resource === 'user' ? store.users.remove(id) : store.removeGroup(id);
  if (removed === undefined)
    return trivoreError(404, `${resource === 'user' ? 'User' : 'Group'} not found: ${id}`);
  return reply(204, undefined);
}
