import type { EmulatorApp, EmulatorRequest, ListingPageHook } from '../shared/fault-server.ts';
import type { DriftFault, RouteKind } from '../shared/faults.ts';
import { parseJsonObject, pathSegments, type Reply, reply } from '../shared/http.ts';
import { createRng, type Rng } from '../shared/prng.ts';
import { missingPermission, trivoreError } from './errors.ts';
import type { InFlightLog } from './in-flight.ts';
import { listingPage, type PagingSettings } from './routes/paging.ts';
import { groupsListing, usersListing } from './routes/resources.ts';
import { redactBody } from './routes/write-bodies.ts';
import {
  createGroup,
  createUser,
  deleteRecord,
  replaceGroup,
  replaceUser,
  type WriteEffects,
} from './routes/writes.ts';
import type { TrivoreStore } from './store.ts';
import type { TrivorePermission } from './types.ts';

export interface TrivoreAppSettings extends PagingSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly store: TrivoreStore;
  /** Permissions the client lacks: their routes answer 403 naming the permission. */
  deniedPermissions: ReadonlySet<TrivorePermission>;
  readonly referenceMs: number;
  /** Seed for drift when the fault names none. */
  readonly driftSeed: number;
  readonly inFlight: InFlightLog;
  /** New ids of records created over HTTP (seeded). */
  readonly writeRng: Rng;
  /** The latency the fault plan adds to a request of this kind. */
  latencyFor(kind: RouteKind): number;
}

type Resource = 'user' | 'group';
interface Route {
  readonly resource: Resource;
  readonly id: string | undefined;
}

const API_PREFIX = ['api', 'rest', 'v1'];
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** Which methods a path takes (others are 405), and the permission each needs. */
const PERMISSION: Readonly<
  Record<Resource, Record<'list' | 'one', Partial<Record<Method, TrivorePermission>>>>
> = {
  user: {
    list: { GET: 'ACCOUNT_VIEW', POST: 'ACCOUNT_CREATE' },
    one: { GET: 'ACCOUNT_VIEW', PUT: 'ACCOUNT_MODIFY', DELETE: 'ACCOUNT_DELETE' },
  },
  group: {
    list: { GET: 'GROUP_VIEW', POST: 'GROUP_CREATE' },
    one: { GET: 'GROUP_VIEW', PUT: 'GROUP_MODIFY', DELETE: 'GROUP_DELETE' },
  },
};

/** What the request log records beyond the shared fields: never a credential or a password. */
export interface TrivoreLogFields {
  /** Whether an Authorization header was sent. */
  readonly hasAuth: boolean;
  /** A write's JSON body, with fields named like secrets (`password`…) replaced by `[redacted]`. */
  readonly body?: unknown;
  /** The id a POST gave the new record. */
  readonly createdId?: string;
  /** Groups created because a user's `memberOf` named no group. */
  readonly autoCreatedGroups?: readonly { readonly id: string; readonly name: string }[];
}

const isJson = (contentType: string | undefined): boolean =>
  /^application\/([\w.+-]*\+)?json\b/i.test(contentType?.trim() ?? '');
const UNAUTHORIZED = { 'WWW-Authenticate': 'Basic realm="Management API"' };

/** `/api/rest/v1/user[/{id}]` and `/api/rest/v1/group[/{id}]`; undefined for anything else. */
function routeOf(path: string): Route | 'malformed' | undefined {
  const segments = pathSegments(path);
  if (segments === undefined) return 'malformed';
  if (!API_PREFIX.every((part, index) => segments[index] === part)) return undefined;
  const [resource, id, ...rest] = segments.slice(API_PREFIX.length);
  if ((resource !== 'user' && resource !== 'group') || rest.length > 0 || id === '') return undefined;
  return { resource, id };
}

function classify(request: EmulatorRequest): RouteKind {
  const route = routeOf(request.path);
  if (route === undefined || route === 'malformed') return 'other';
  if (request.method !== 'GET') return 'write';
  if (route.resource === 'user') return route.id === undefined ? 'users-list' : 'user-detail';
  return route.id === undefined ? 'groups-list' : 'group-detail';
}

/** The Trivore ID Management API: Basic auth, permission checks, offset listings, and writes. */
export class TrivoreApp implements EmulatorApp {
  readonly name = 'trivore emulator';
  private driftCount = 0;
  /** What each write did, for its log entry (logged after it is answered). */
  private readonly effects = new WeakMap<EmulatorRequest, WriteEffects>();

  constructor(private readonly settings: TrivoreAppSettings) {}

  /** Called once per request on arrival, faulted or not: the moment its in-flight window opens. */
  kindOf(request: EmulatorRequest): RouteKind {
    const kind = classify(request);
    this.settings.inFlight.record(kind, performance.now(), this.settings.latencyFor(kind));
    return kind;
  }

  answer(request: EmulatorRequest, hooks: ListingPageHook): Reply {
    const isApi = request.path === '/api/rest/v1' || request.path.startsWith('/api/rest/v1/');
    if (!isApi) return trivoreError(404, 'Not Found');
    // Spring Security guards the whole API path: credentials are checked before routing.
    if (!this.authorised(request.headers.authorization)) {
      return trivoreError(401, 'Full authentication is required to access this resource', UNAUTHORIZED);
    }
    const route = routeOf(request.path);
    if (route === 'malformed') return trivoreError(400, 'Malformed URL');
    if (route === undefined) return trivoreError(404, 'Not Found');
    const allowed = PERMISSION[route.resource][route.id === undefined ? 'list' : 'one'];
    const permission = Object.hasOwn(allowed, request.method) ? allowed[request.method as Method] : undefined;
    if (permission === undefined) {
      return trivoreError(405, `Request method '${request.method}' not supported`, {
        Allow: Object.keys(allowed).join(', '),
      });
    }
    if (this.settings.deniedPermissions.has(permission)) return missingPermission(permission);
    if (request.method !== 'GET') return this.write(request, route);
    const { store } = this.settings;
    if (route.resource === 'user') {
      if (route.id === undefined)
        return listingPage(usersListing(store.users.all()), request.query, this.settings, hooks);
      const user = store.users.get(route.id);
      return user ? reply(200, user) : trivoreError(404, `User not found: ${route.id}`);
    }
    if (route.id === undefined)
      return listingPage(groupsListing(store.groups.all()), request.query, this.settings, hooks);
    const group = store.groups.get(route.id);
    return group ? reply(200, group) : trivoreError(404, `Group not found: ${route.id}`);
  }

  /** Only writes add fields, so the read side's log entries look as they always did. */
  logFields(request: EmulatorRequest): Partial<TrivoreLogFields> {
    if (request.method === 'GET') return {};
    const body = parseJsonObject(request.body.text);
    const effects = this.effects.get(request);
    return {
      hasAuth: request.headers.authorization !== undefined,
      ...(body === undefined || request.body.text.trim() === '' ? {} : { body: redactBody(body) }),
      ...effects,
    };
  }

  /** POST, PUT and DELETE, once auth, routing and permission have passed. */
  private write(request: EmulatorRequest, route: Route): Reply {
    const settings = {
      store: this.settings.store,
      rng: this.settings.writeRng,
      referenceMs: this.settings.referenceMs,
    };
    if (request.method === 'DELETE') {
      return route.id === undefined
        ? trivoreError(405, "Request method 'DELETE' not supported")
        : deleteRecord(settings.store, route.resource, route.id);
    }
    const contentType = request.headers['content-type'];
    if (!isJson(contentType)) {
      return trivoreError(415, `Content type '${contentType ?? ''}' not supported; send application/json`);
    }
    const body = parseJsonObject(request.body.text);
    if (body === undefined || request.body.text.trim() === '') {
      return trivoreError(400, 'Required request body is missing or is not a JSON object');
    }
    const effects: WriteEffects = {};
    this.effects.set(request, effects);
    if (route.resource === 'user') {
      return route.id === undefined
        ? createUser(settings, body, effects)
        : replaceUser(settings, route.id, body, effects);
    }
    return route.id === undefined
      ? createGroup(settings, body, effects)
      : replaceGroup(settings, route.id, body);
  }

  drift(fault: DriftFault): void {
    const seed = fault.seed ?? (this.settings.driftSeed + this.driftCount++) >>> 0;
    this.settings.store.drift(fault.add ?? 0, fault.remove ?? 0, createRng(seed), this.settings.referenceMs);
  }

  private authorised(header: string | undefined): boolean {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return (
      colon !== -1 &&
      decoded.slice(0, colon) === this.settings.clientId &&
      decoded.slice(colon + 1) === this.settings.clientSecret
    );
  }
}
