import { message, type Reply, reply } from '../../shared/http.ts';
import { createUserBody, parseBody, updateUserBody } from '../schemas.ts';
import type { PeriscopeV1User } from '../types.ts';
import { DRY_RUN_MESSAGE, type RequestContext } from './context.ts';

/** /api/v1/users: one URL for the listing, the single user (HTTP-X-EMAIL) and every write. */
export function usersRoute(ctx: RequestContext): Reply {
  switch (ctx.method) {
    case 'GET':
      return ctx.email === undefined ? listUsers(ctx) : getUser(ctx);
    case 'POST':
      return createUser(ctx);
    case 'PUT':
      return updateUser(ctx);
    default:
      return deleteUser(ctx);
  }
}

function listUsers(ctx: RequestContext): Reply {
  const page = ctx.store.userPage(ctx.query.next_page_start, ctx.pageSize);
  const next = ctx.listingPage('users-list', page.next, page.records[0]?.email ?? null);
  return reply(200, {
    total_users: page.total,
    users_this_page: page.records.length,
    next_page_start: next,
    users: page.records,
  });
}

// The vendor answers 400, not 404, for a user that is not on the site.
const notOnSite = (ctx: RequestContext): Reply =>
  message(400, `User with email ${JSON.stringify(ctx.email ?? '')} does not belong to ${ctx.site}`);

const targetUser = (ctx: RequestContext): PeriscopeV1User | Reply => {
  if (ctx.email === undefined) return message(400, 'The HTTP-X-EMAIL header is required');
  return ctx.store.findUser(ctx.email) ?? notOnSite(ctx);
};

const isReply = (value: PeriscopeV1User | Reply): value is Reply => 'status' in value;

function getUser(ctx: RequestContext): Reply {
  const user = targetUser(ctx);
  return isReply(user) ? user : reply(200, user);
}

function createUser(ctx: RequestContext): Reply {
  const body = parseBody(createUserBody, ctx.body);
  if (typeof body === 'string') return message(400, body);
  if (ctx.store.findUser(body.email)) return message(409, `User with email ${body.email} already exists`);
  const membership = ctx.store.membership(body.groups ?? []);
  if ('unknown' in membership)
    return message(400, `Group ${JSON.stringify(membership.unknown)} does not exist`);
  if (ctx.testMode) return message(201, DRY_RUN_MESSAGE);
  // An invited user has not logged in, set a password or enrolled in 2FA yet.
  const user: PeriscopeV1User = {
    first_name: body.first_name,
    last_name: body.last_name,
    email: body.email,
    groups: membership.groups,
    last_login_at: null,
    password_updated_at: null,
    tfa_enabled: false,
  };
  ctx.store.addUser(user);
  return reply(201, user);
}

function updateUser(ctx: RequestContext): Reply {
  const user = targetUser(ctx);
  if (isReply(user)) return user;
  const body = parseBody(updateUserBody, ctx.body);
  if (typeof body === 'string') return message(400, body);
  let groups: string[] | undefined;
  if (body.groups !== undefined) {
    // A list replaces the user's groups; [] leaves only "All Users".
    const membership = ctx.store.membership(body.groups);
    if ('unknown' in membership)
      return message(400, `Group ${JSON.stringify(membership.unknown)} does not exist`);
    groups = membership.groups;
  }
  if (ctx.testMode) return message(200, DRY_RUN_MESSAGE);
  if (body.first_name !== undefined) user.first_name = body.first_name;
  if (body.last_name !== undefined) user.last_name = body.last_name;
  if (groups !== undefined) user.groups = groups;
  return reply(200, user);
}

function deleteUser(ctx: RequestContext): Reply {
  const user = targetUser(ctx);
  if (isReply(user)) return user;
  if (ctx.testMode) return message(200, DRY_RUN_MESSAGE);
  ctx.store.removeUser(user.email);
  return message(200, `User removed from ${ctx.site}`);
}
