import { type Reply, reply } from '../../shared/http.ts';
import type { SiteStore } from '../store.ts';
import type { LumAppsFeed, LumAppsFeedGroup, LumAppsUser } from '../types.ts';
import {
  type Body,
  jsonBody,
  nonBlankString,
  objectList,
  optionalBoolean,
  optionalEnum,
  optionalString,
  recordId,
  requiredString,
  stringList,
} from './body.ts';
import type { RouteContext } from './context.ts';
import { apiError } from './errors.ts';
import type { Parsed } from './params.ts';

/** Void Endpoints methods (feed/subscribers/save, feed/delete) answer 204 with no body. */
const noContent = (): Reply => reply(204, undefined);

/**
 * POST feed/save: the body is a Feed. Without an `id` (or `uid`) it creates a feed with a NEW id
 * (`name` and `type`, the feed type's id, are required); with one it updates that feed's `name`
 * and `heritable`. A feed linked to an identity provider's group (`group` + `identityProvider`,
 * or `groups[]`) is created `synchronized` but empty: the vendor fills its members
 * asynchronously, and the emulator never does.
 */
export function saveFeed(ctx: RouteContext): Reply {
  const body = jsonBody(ctx.request.body.text);
  if (!body.ok) return body.reply;
  const id = recordId(body.value);
  if (!id.ok) return id.reply;
  return id.value === undefined
    ? createFeed(ctx.store, body.value)
    : updateFeed(ctx.store, id.value, body.value);
}

function createFeed(store: SiteStore, body: Body): Reply {
  const name = requiredString(body, 'name');
  if (!name.ok) return name.reply;
  const type = requiredString(body, 'type');
  if (!type.ok) return type.reply;
  const instance = nonBlankString(body, 'instance');
  if (!instance.ok) return instance.reply;
  const heritable = optionalBoolean(body, 'heritable');
  if (!heritable.ok) return heritable.reply;
  const customer = optionalString(body, 'customer');
  if (!customer.ok) return customer.reply;
  if (customer.value !== undefined && customer.value !== '' && customer.value !== store.organizationId) {
    return apiError(403, 'The feed belongs to another customer.');
  }
  const link = idpLink(body);
  if (!link.ok) return link.reply;

  const id = store.issueId();
  const now = store.timestamp();
  const { group, identityProvider, groups } = link.value;
  const synced = group !== undefined || (groups !== undefined && groups.length > 0);
  const feed: LumAppsFeed = {
    id,
    uid: id,
    name: name.value,
    type: type.value,
    customer: store.organizationId,
    ...(instance.value === undefined ? {} : { instance: instance.value }),
    status: 'enabled',
    createdAt: now,
    updatedAt: now,
    heritable: heritable.value ?? false,
    synchronized: synced,
    ...(group === undefined ? {} : { group }),
    ...(identityProvider === undefined ? {} : { identityProvider }),
    ...(groups === undefined ? {} : { groups }),
  };
  store.feeds.insert(feed);
  return reply(200, feed);
}

interface IdpLink {
  readonly group: string | undefined;
  readonly identityProvider: 'google' | 'microsoft' | undefined;
  readonly groups: LumAppsFeedGroup[] | undefined;
}

/** The identity-provider group a feed mirrors, in either of the forms the vendor documents. */
function idpLink(body: Body): Parsed<IdpLink> {
  const group = nonBlankString(body, 'group');
  if (!group.ok) return group;
  const identityProvider = optionalEnum(body, 'identityProvider', ['google', 'microsoft'] as const);
  if (!identityProvider.ok) return identityProvider;
  if (identityProvider.value !== undefined && group.value === undefined) {
    return { ok: false, reply: apiError(400, 'identityProvider is set without a group.') };
  }
  const list = objectList(body, 'groups');
  if (!list.ok) return list;
  let groups: LumAppsFeedGroup[] | undefined;
  if (list.value !== undefined) {
    groups = [];
    for (const entry of list.value) {
      const name = requiredString(entry, 'group');
      if (!name.ok) return name;
      const provider = requiredString(entry, 'identityProvider');
      if (!provider.ok) return provider;
      // One group per identity provider: the last one wins, as the vendor's guide says.
      groups = groups.filter((known) => known.identityProvider !== provider.value);
      groups.push({ group: name.value, identityProvider: provider.value });
    }
  }
  return { ok: true, value: { group: group.value, identityProvider: identityProvider.value, groups } };
}

function updateFeed(store: SiteStore, id: string, body: Body): Reply {
  const feed = store.feeds.get(id);
  if (feed === undefined) return apiError(404, 'Feed not found.');
  const name = nonBlankString(body, 'name');
  if (!name.ok) return name.reply;
  const heritable = optionalBoolean(body, 'heritable');
  if (!heritable.ok) return heritable.reply;
  if (name.value !== undefined) feed.name = name.value;
  if (heritable.value !== undefined) feed.heritable = heritable.value;
  feed.updatedAt = store.timestamp();
  return reply(200, feed);
}

/**
 * POST feed/subscribers/save `{"feed", "addedUsers": [...], "removedUsers": [...]}`: users named
 * by e-mail (case-insensitive) or id. All or nothing: an unknown user, or one in both lists,
 * refuses the whole request. Adding a member again changes nothing; adding back a withdrawn
 * (DELETED) membership makes it LIVE again; removing marks the subscription DELETED.
 */
export function saveSubscribers(ctx: RouteContext): Reply {
  const body = jsonBody(ctx.request.body.text);
  if (!body.ok) return body.reply;
  const feedId = requiredString(body.value, 'feed');
  if (!feedId.ok) return feedId.reply;
  const added = stringList(body.value, 'addedUsers');
  if (!added.ok) return added.reply;
  const removed = stringList(body.value, 'removedUsers');
  if (!removed.ok) return removed.reply;
  const { store } = ctx;
  if (store.feeds.get(feedId.value) === undefined) return apiError(404, 'Feed not found.');

  const toAdd = resolveUsers(store, added.value);
  if (!toAdd.ok) return toAdd.reply;
  const toRemove = resolveUsers(store, removed.value);
  if (!toRemove.ok) return toRemove.reply;
  const both = toAdd.value.find((user) => toRemove.value.includes(user));
  if (both !== undefined) {
    return apiError(400, `User ${both.email} is both in addedUsers and in removedUsers.`);
  }

  const now = store.timestamp();
  for (const user of toAdd.value) {
    const subscription = user.subscriptions.find((known) => known.feed === feedId.value);
    if (subscription === undefined) {
      user.subscriptions.push({
        id: store.issueId(),
        feed: feedId.value,
        level: 'MEMBER',
        status: 'LIVE',
        createdAt: now,
      });
    } else if (subscription.status !== 'LIVE') {
      subscription.status = 'LIVE';
    }
  }
  for (const user of toRemove.value) {
    for (const subscription of user.subscriptions) {
      if (subscription.feed === feedId.value) subscription.status = 'DELETED';
    }
  }
  return noContent();
}

function resolveUsers(store: SiteStore, references: readonly string[]): Parsed<LumAppsUser[]> {
  const users: LumAppsUser[] = [];
  for (const reference of references) {
    const trimmed = reference.trim();
    const user = trimmed.includes('@') ? store.findUserByEmail(trimmed) : store.users.get(trimmed);
    if (user === undefined) {
      return { ok: false, reply: apiError(400, `Unknown user: ${JSON.stringify(reference)}.`) };
    }
    if (!users.includes(user)) users.push(user);
  }
  return { ok: true, value: users };
}

/**
 * DELETE feed/delete?uid=: documented by the vendor, never called by rollcall. The feed goes with
 * every subscription to it; its id is never handed out again.
 */
export function deleteFeed(ctx: RouteContext): Reply {
  const uid = ctx.request.query.get('uid') ?? '';
  if (uid === '') return apiError(400, 'uid is required.');
  const { store } = ctx;
  return store.removeFeed(uid) ? noContent() : apiError(404, 'Feed not found.');
}
