import { message, type Reply, reply } from '../../shared/http.ts';
import { groupKey } from '../data.ts';
import { createGroupBody, parseAccess, parseBody, updateGroupBody } from '../schemas.ts';
import { ALL_USERS, type PeriscopeV1Group } from '../types.ts';
import { DRY_RUN_MESSAGE, type RequestContext } from './context.ts';

const ACCESS_ERROR = 'access must be one of sql, discovery, view';

const summary = (g: PeriscopeV1Group): { name: string; access: string } => ({
  name: g.name,
  access: g.access,
});

/** /api/v1/groups: the listing and group creation. */
export function groupsRoute(ctx: RequestContext): Reply {
  return ctx.method === 'GET' ? listGroups(ctx) : createGroup(ctx);
}

/** /api/v1/groups/{name}: the name is matched case-insensitively; a missing group is 404. */
export function groupRoute(ctx: RequestContext, name: string): Reply {
  const group = ctx.store.findGroup(name);
  if (!group) return message(404, `Group ${JSON.stringify(name)} does not exist on ${ctx.site}`);
  switch (ctx.method) {
    case 'GET':
      return reply(200, { name: group.name, access: group.access, dashboards: group.dashboards });
    case 'PUT':
      return updateGroup(ctx, group);
    default:
      return deleteGroup(ctx, group);
  }
}

function listGroups(ctx: RequestContext): Reply {
  const page = ctx.store.groupPage(ctx.query.next_page_start, ctx.pageSize);
  const next = ctx.listingPage('groups-list', page.next, page.records[0]?.name ?? null);
  return reply(200, {
    total_groups: page.total,
    groups_this_page: page.records.length,
    next_page_start: next,
    groups: page.records.map(summary),
  });
}

function createGroup(ctx: RequestContext): Reply {
  const body = parseBody(createGroupBody, ctx.body);
  if (typeof body === 'string') return message(400, body);
  const access = parseAccess(body.access);
  if (!access) return message(400, ACCESS_ERROR);
  if (ctx.store.findGroup(body.name))
    return message(409, `Group ${JSON.stringify(body.name)} already exists`);
  if (ctx.testMode) return message(201, DRY_RUN_MESSAGE);
  const group: PeriscopeV1Group = { name: body.name, access, dashboards: [] };
  ctx.store.addGroup(group);
  return reply(201, summary(group));
}

function updateGroup(ctx: RequestContext, group: PeriscopeV1Group): Reply {
  const body = parseBody(updateGroupBody, ctx.body);
  if (typeof body === 'string') return message(400, body);
  const access = body.access === undefined ? undefined : parseAccess(body.access);
  if (body.access !== undefined && !access) return message(400, ACCESS_ERROR);
  const newName =
    body.name !== undefined && groupKey(body.name) !== groupKey(group.name) ? body.name : undefined;
  if (newName !== undefined && groupKey(group.name) === groupKey(ALL_USERS)) {
    return message(400, `${ALL_USERS} cannot be renamed`);
  }
  if (newName !== undefined && ctx.store.findGroup(newName)) {
    return message(409, `Group ${JSON.stringify(newName)} already exists`);
  }
  if (ctx.testMode) return message(200, DRY_RUN_MESSAGE);
  const updated = ctx.store.updateGroup(group.name, {
    ...(body.name !== undefined && { name: body.name }),
    ...(access !== undefined && { access }),
  });
  return typeof updated === 'object'
    ? reply(200, summary(updated))
    : message(409, 'Group name already taken');
}

function deleteGroup(ctx: RequestContext, group: PeriscopeV1Group): Reply {
  if (groupKey(group.name) === groupKey(ALL_USERS)) return message(400, `${ALL_USERS} cannot be removed`);
  if (ctx.testMode) return message(200, DRY_RUN_MESSAGE);
  ctx.store.removeGroup(group.name);
  return message(200, `Group removed from ${ctx.site}`);
}
