import type { RouteKind } from '../../shared/faults.ts';
import type { Reply } from '../../shared/http.ts';
import { pathSegments } from '../../shared/http.ts';
import type { RequestContext } from './context.ts';
import { groupRoute, groupsRoute } from './groups.ts';
import { usersRoute } from './users.ts';

export interface Route {
  readonly kind: RouteKind;
  run(ctx: RequestContext): Reply;
}

const WRITES = new Set(['POST', 'PUT', 'DELETE']);

/**
 * The API's routes. Any other method or path is a 404, as an unmatched Rails route would be.
 * 'malformed' when the path's percent-encoding is broken.
 */
export function matchRoute(
  method: string,
  rawPath: string,
  hasEmail: boolean,
): Route | 'malformed' | undefined {
  const segments = pathSegments(rawPath);
  if (!segments) return 'malformed';
  const [api, version, resource, name, ...rest] = segments;
  if (api !== 'api' || version !== 'v1' || rest.length > 0) return undefined;
  if (resource === 'users' && name === undefined) {
    if (method === 'GET') return { kind: hasEmail ? 'user-detail' : 'users-list', run: usersRoute };
    return WRITES.has(method) ? { kind: 'write', run: usersRoute } : undefined;
  }
  if (resource === 'groups' && name === undefined) {
    if (method === 'GET') return { kind: 'groups-list', run: groupsRoute };
    return method === 'POST' ? { kind: 'write', run: groupsRoute } : undefined;
  }
  if (resource === 'groups' && name !== undefined && name !== '') {
    const run = (ctx: RequestContext): Reply => groupRoute(ctx, name);
    if (method === 'GET') return { kind: 'group-detail', run };
    return method === 'PUT' || method === 'DELETE' ? { kind: 'write', run } : undefined;
  }
  return undefined;
}
