import { parseBody } from '../../periscope-v1/schemas.ts';
import { message, type Reply, reply } from '../../shared/http.ts';
import { createRng } from '../../shared/prng.ts';
import { newId } from '../data.ts';
import { createRoleBody, updateRoleBody } from '../schemas.ts';
import { servedRole } from '../serve.ts';
import { EVERYONE, type PeriscopeV2Role } from '../types.ts';
import { DRY_RUN_MESSAGE, type RequestContext } from './context.ts';

/** /api/v1/roles: every role in one response (no paging, no counts), and role creation. */
export function rolesRoute(ctx: RequestContext): Reply {
  if (ctx.request.method !== 'GET') return createRole(ctx);
  return reply(200, { roles: [...ctx.store.roles.values()].map((role) => servedRole(ctx.store, role)) });
}

/** /api/v1/roles/{id}: by the role's id, even one the listing hides; an unknown id is a 404. */
export function roleRoute(ctx: RequestContext, id: string): Reply {
  const role = ctx.store.roles.get(id);
  if (!role) return message(404, `Role ${JSON.stringify(id)} does not exist on ${ctx.site}`);
  switch (ctx.request.method) {
    case 'GET':
      return reply(200, servedRole(ctx.store, role));
    case 'PUT':
      return updateRole(ctx, role);
    default:
      return deleteRole(ctx, role);
  }
}

const taken = (ctx: RequestContext, name: string, except?: PeriscopeV2Role): boolean => {
  const found = ctx.store.findRoleByName(name);
  return found !== undefined && found !== except;
};

function createRole(ctx: RequestContext): Reply {
  const body = parseBody(createRoleBody, ctx.request.body.text);
  if (typeof body === 'string') return message(400, body);
  if (taken(ctx, body.name)) return message(409, `Role ${JSON.stringify(body.name)} already exists`);
  if (ctx.testMode) return message(201, DRY_RUN_MESSAGE);
  const role: PeriscopeV2Role = {
    // Seeded by the number of ids handed out, so a replayed scenario creates the same ids.
    id: newId(createRng(ctx.store.ids.size), ctx.store.ids),
    name: body.name,
    description: body.description ?? '',
    privileges: body.privileges ?? [],
    permissions: body.permissions ?? [],
  };
  ctx.store.roles.set(role.id, role);
  return reply(201, servedRole(ctx.store, role));
}

function updateRole(ctx: RequestContext, role: PeriscopeV2Role): Reply {
  const body = parseBody(updateRoleBody, ctx.request.body.text);
  if (typeof body === 'string') return message(400, body);
  if (body.name !== undefined && body.name !== role.name) {
    if (role.name === EVERYONE) return message(400, `${EVERYONE} cannot be renamed`);
    if (taken(ctx, body.name, role)) return message(409, `Role ${JSON.stringify(body.name)} already exists`);
  }
  if (ctx.testMode) return message(200, DRY_RUN_MESSAGE);
  if (body.name !== undefined) role.name = body.name;
  if (body.description !== undefined) role.description = body.description;
  if (body.privileges !== undefined) role.privileges = body.privileges;
  if (body.permissions !== undefined) role.permissions = body.permissions;
  return reply(200, servedRole(ctx.store, role));
}

function deleteRole(ctx: RequestContext, role: PeriscopeV2Role): Reply {
  if (role.name === EVERYONE) return message(400, `${EVERYONE} cannot be removed`);
  if (ctx.testMode) return message(200, DRY_RUN_MESSAGE);
  ctx.store.removeRole(role.id);
  return message(200, `Role removed from ${ctx.site}`);
}
