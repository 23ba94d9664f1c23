import { parseBody } from '../../periscope-v1/schemas.ts';
import { message, type Reply, reply } from '../../shared/http.ts';
import { createRng } from '../../shared/prng.ts';
import { newId } from '../data.ts';
import { createUserBody, updateUserBody } from '../schemas.ts';
import { servedUser } from '../serve.ts';
import type { PeriscopeV2User } from '../types.ts';
import { DRY_RUN_MESSAGE, type RequestContext } from './context.ts';

/** /api/v2/users: the listing (GET) and user creation (POST). */
export function usersRoute(ctx: RequestContext): Reply {
  return ctx.request.method === 'GET' ? listUsers(ctx) : createUser(ctx);
}

/** /api/v2/users/{id}: unlike v1 (400 by e-mail header), an unknown id is a 404. */
export function userRoute(ctx: RequestContext, id: string): Reply {
  const user = ctx.store.users.get(id);
  if (!user) return message(404, `User ${JSON.stringify(id)} does not exist on ${ctx.site}`);
  switch (ctx.request.method) {
    case 'GET':
      return reply(200, servedUser(ctx.store, user));
    case 'PUT':
      return updateUser(ctx, user);
    default:
      return deleteUser(ctx, user);
  }
}

/** The v1 envelope; `next_page_start` is the id of the next page's first user (inclusive). */
function listUsers(ctx: RequestContext): Reply {
  const page = ctx.store.userPage(ctx.request.query.get('next_page_start') ?? undefined, ctx.pageSize);
  const next = ctx.listingPage('users-list', page.next, page.records[0]?.id ?? null);
  return reply(200, {
    total_users: page.total,
    users_this_page: page.records.length,
    next_page_start: next,
    users: page.records.map((user) => servedUser(ctx.store, user)),
  });
}

function createUser(ctx: RequestContext): Reply {
  const body = parseBody(createUserBody, ctx.request.body.text);
  if (typeof body === 'string') return message(400, body);
  const email = body.email.toLowerCase();
  if (ctx.store.users.all().some((user) => user.email.toLowerCase() === email)) {
    return message(409, `User with email ${body.email} already exists`);
  }
  const membership = ctx.store.membership(body.roles ?? []);
  if ('unknown' in membership)
    return message(400, `Role ${JSON.stringify(membership.unknown)} does not exist`);
  if (ctx.testMode) return message(201, DRY_RUN_MESSAGE);
  // Seeded by the number of ids handed out, so a replayed scenario creates the same ids.
  const id = newId(createRng(ctx.store.ids.size), ctx.store.ids);
  // An invited user has not logged in, set a password or enrolled in 2FA yet.
  const user: PeriscopeV2User = {
    id,
    first_name: body.first_name,
    last_name: body.last_name,
    email: body.email,
    roles: membership.roles,
    last_login_at: null,
    password_updated_at: null,
    tfa_enabled: false,
  };
  ctx.store.users.insert(user);
  return reply(201, servedUser(ctx.store, user));
}

function updateUser(ctx: RequestContext, user: PeriscopeV2User): Reply {
  const body = parseBody(updateUserBody, ctx.request.body.text);
  if (typeof body === 'string') return message(400, body);
  let roles: string[] | undefined;
  if (body.roles !== undefined) {
    // A list replaces the user's roles; [] leaves only "Everyone".
    const membership = ctx.store.membership(body.roles);
    if ('unknown' in membership)
      return message(400, `Role ${JSON.stringify(membership.unknown)} does not exist`);
    roles = membership.roles;
  }
  if (ctx.testMode) return message(200, DRY_RUN_MESSAGE);
  if (body.first_name !== undefined) user.first_name = body.first_name;
  if (body.last_name !== undefined) user.last_name = body.last_name;
  if (roles !== undefined) user.roles = roles;
  return reply(200, servedUser(ctx.store, user));
}

function deleteUser(ctx: RequestContext, user: PeriscopeV2User): Reply {
  if (ctx.testMode) return message(200, DRY_RUN_MESSAGE);
  ctx.store.users.remove(user.id);
  return message(200, `User removed from ${ctx.site}`);
}
