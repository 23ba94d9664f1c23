import type { RouteKind } from '../../shared/faults.ts';
import { pathSegments, type Reply } from '../../shared/http.ts';
import type { RequestContext } from './context.ts';
import { dashboardsRoute } from './dashboards.ts';
import { roleRoute, rolesRoute } from './roles.ts';
import { userRoute, usersRoute } from './users.ts';

export interface Route {
  readonly kind: RouteKind;
  run(ctx: RequestContext): Reply;
}

const ITEM_WRITES = new Set(['PUT', 'DELETE']);

/**
 * The API's routes, split as the vendor splits them: users under /api/v2, roles and dashboards
 * under /api/v1. Any other method or path is a 404, as an unmatched Rails route would be (so
 * /api/v1/users and /api/v2/roles are 404s). 'malformed' when the percent-encoding is broken.
 *
 * Fault kinds: the users listing is 'users-list', one user 'user-detail', the roles listing
 * 'groups-list', and the dashboards listing (the data behind each role's grants) and one role
 * 'group-detail'; every write is 'write'.
 */
export function matchRoute(method: string, rawPath: string): Route | 'malformed' | undefined {
  const segments = pathSegments(rawPath);
  if (!segments) return 'malformed';
  const [api, version, resource, id, ...rest] = segments;
  if (api !== 'api' || rest.length > 0) return undefined;
  const item = id !== undefined && id !== '';
  if (version === 'v2' && resource === 'users') {
    if (!item) return collection(method, 'users-list', usersRoute);
    return single(method, 'user-detail', (ctx) => userRoute(ctx, id));
  }
  if (version === 'v1' && resource === 'roles') {
    if (!item) return collection(method, 'groups-list', rolesRoute);
    return single(method, 'group-detail', (ctx) => roleRoute(ctx, id));
  }
  if (version === 'v1' && resource === 'dashboards' && id === undefined && method === 'GET') {
    return { kind: 'group-detail', run: dashboardsRoute };
  }
  return undefined;
}

function collection(method: string, kind: RouteKind, run: Route['run']): Route | undefined {
  if (method === 'GET') return { kind, run };
  return method === 'POST' ? { kind: 'write', run } : undefined;
}

function single(method: string, kind: RouteKind, run: Route['run']): Route | undefined {
  if (method === 'GET') return { kind, run };
  return ITEM_WRITES.has(method) ? { kind: 'write', run } : undefined;
}
