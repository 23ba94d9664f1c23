import type { EmulatorApp, EmulatorRequest, ListingPageHook } from '../shared/fault-server.ts';
import { type CountedFault, Counter, type DriftFault, type RouteKind } from '../shared/faults.ts';
import type { Reply } from '../shared/http.ts';
import { createRng } from '../shared/prng.ts';
import type { EmptyMoreFault, RouteContext } from './routes/context.ts';
import { apiError } from './routes/errors.ts';
import { deleteFeed, saveFeed, saveSubscribers } from './routes/feed-writes.ts';
import { listFeeds } from './routes/feeds.ts';
import { applicationToken, type TokenSettings } from './routes/token.ts';
import { saveUser } from './routes/user-save.ts';
import { getUser, listUsers } from './routes/users.ts';
import { type LumAppsWriteSummary, summariseWrite } from './write-log.ts';

/** Where Cloud Endpoints serves the v1 API on every cell. */
export const API_ROOT = '/_ah/api/lumsites/v1/';
const TOKEN_PATH = /^\/v2\/organizations\/([^/]+)\/application-token$/;

interface ApiRoute {
  /** The one method the route answers; any other is a 404, as for an unknown route. */
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly kind: RouteKind;
  readonly run: (ctx: RouteContext) => Reply;
}

/** Every write is kind `write`, so the shared fault switches can target writes alone. */
const API_ROUTES: ReadonlyMap<string, ApiRoute> = new Map([
  ['user/list', { method: 'GET', kind: 'users-list', run: listUsers }],
  ['user/get', { method: 'GET', kind: 'user-detail', run: getUser }],
  ['feed/list', { method: 'GET', kind: 'groups-list', run: listFeeds }],
  ['user/save', { method: 'POST', kind: 'write', run: saveUser }],
  ['feed/save', { method: 'POST', kind: 'write', run: saveFeed }],
  ['feed/subscribers/save', { method: 'POST', kind: 'write', run: saveSubscribers }],
  // Documented by the vendor; rollcall never calls it. There is no user delete at all.
  ['feed/delete', { method: 'DELETE', kind: 'write', run: deleteFeed }],
] as const);

/** The API route a request names (matching method included), if any. */
function routeOf(request: EmulatorRequest): { name: string; route: ApiRoute } | undefined {
  if (!request.path.startsWith(API_ROOT)) return undefined;
  const name = request.path.slice(API_ROOT.length);
  const route = API_ROUTES.get(name);
  return route !== undefined && route.method === request.method ? { name, route } : undefined;
}

export interface AppSettings extends TokenSettings {
  readonly pageSize: number;
  /** Seed for drift when the fault names none. */
  readonly driftSeed: number;
}

function bearer(request: EmulatorRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The LumApps half of the emulator: routes, auth, the emptyMore fault and drift. */
export class LumAppsApp implements EmulatorApp {
  readonly name = 'lumapps emulator';
  private emptyMoreFault: EmptyMoreFault | undefined;
  private quotaExceeded: Counter | undefined;
  private readonly pagesServed = { 'users-list': 0, 'groups-list': 0 };

  constructor(private readonly settings: AppSettings) {}

  /** Replaces the LumApps-only fault and restarts its page count, as setFaults does for the rest. */
  setEmptyMore(fault: EmptyMoreFault | undefined): void {
    if (fault !== undefined && !(Number.isSafeInteger(fault.page) && fault.page >= 1)) {
      throw new RangeError('emptyMore.page must be an integer >= 1');
    }
    this.emptyMoreFault = fault;
    this.pagesServed['users-list'] = 0;
    this.pagesServed['groups-list'] = 0;
  }

  /** Replaces the quota fault and restarts its count. */
  setQuotaExceeded(fault: CountedFault | undefined): void {
    this.quotaExceeded = fault === undefined ? undefined : new Counter(fault);
  }

  kindOf(request: EmulatorRequest): RouteKind {
    if (TOKEN_PATH.test(request.path)) return 'token';
    return routeOf(request)?.route.kind ?? 'other';
  }

  /** Writes are logged with a summary of their body (never a password or token). */
  logFields(request: EmulatorRequest): { write?: LumAppsWriteSummary } {
    const matched = routeOf(request);
    if (matched === undefined || matched.route.kind !== 'write') return {};
    return { write: summariseWrite(matched.name, request.body.text, request.query) };
  }

  answer(request: EmulatorRequest, hooks: ListingPageHook): Reply {
    const token = TOKEN_PATH.exec(request.path);
    if (token) {
      let organizationId: string;
      try {
        organizationId = decodeURIComponent(token[1] as string);
      } catch {
        return apiError(400, 'Malformed organization id.');
      }
      return applicationToken(request, organizationId, this.settings);
    }
    const route = routeOf(request)?.route;
    if (route === undefined) return apiError(404, 'Not Found');

    const presented = bearer(request);
    const actingEmail = presented === undefined ? undefined : this.settings.tokens.check(presented);
    if (actingEmail === undefined) {
      return apiError(401, presented === undefined ? 'Login Required.' : 'Invalid Credentials', {
        'WWW-Authenticate': 'Bearer realm="lumapps"',
      });
    }
    const organization = request.headers['lumapps-organization-id'];
    if (typeof organization === 'string' && organization !== this.settings.organizationId) {
      return apiError(403, 'The token does not belong to this organization.');
    }
    if (this.quotaExceeded?.fires(route.kind)) {
      return apiError(400, 'Quota exceeded for quota metric requests per minute.', {}, 'RATE_LIMIT_EXCEEDED');
    }
    return route.run({
      request,
      hooks,
      store: this.settings.store,
      pageSize: this.settings.pageSize,
      actingEmail,
      emptyMore: (kind) => {
        this.pagesServed[kind] += 1;
        const fault = this.emptyMoreFault;
        const matches = fault !== undefined && (fault.route ?? 'users-list') === kind;
        return matches && this.pagesServed[kind] === fault.page ? fault : undefined;
      },
    });
  }

  drift(fault: DriftFault): void {
    this.settings.store.drift(
      fault.add ?? 0,
      fault.remove ?? 0,
      createRng(fault.seed ?? this.settings.driftSeed),
    );
  }
}
