import type { EmulatorApp, EmulatorRequest, ListingPageHook } from '../shared/fault-server.ts';
import type { DriftFault, RouteKind } from '../shared/faults.ts';
import { message, parseRailsQuery, type Reply } from '../shared/http.ts';
import { createRng } from '../shared/prng.ts';
import { matchRoute } from './routes/router.ts';
import type { SiteStore } from './store.ts';

export interface AppSettings {
  readonly site: string;
  readonly apiKey: string;
  readonly pageSize: number;
  readonly store: SiteStore;
  readonly referenceMs: number;
  /** Seed for drift when the fault names none. */
  readonly driftSeed: number;
}

const AUTH_HEADER = 'http-x-partner-auth';
const EMAIL_HEADER = 'http-x-email';

/** What the v1 request log records beyond the shared fields: never the key itself. */
export type PeriscopeV1LogFields = {
  /** The raw `test_mode` value, when sent. */
  readonly testMode: string | undefined;
  /** Whether an HTTP-X-PARTNER-AUTH header was sent. */
  readonly hasAuth: boolean;
  /** The HTTP-X-EMAIL header, when sent. */
  readonly email?: string;
};

/**
 * The v1 API behind the shared faulting server. The query is decoded the way Rails does (`+` is a
 * space, the last repeated key wins). An unknown route is a 404 before auth is looked at, then bad
 * or missing auth is a 403, then a site without the API answers 404 on every route: only the auth
 * header names the site.
 */
export function createPeriscopeV1App(settings: AppSettings): EmulatorApp {
  const { store } = settings;
  const routeOf = (request: EmulatorRequest) =>
    matchRoute(request.method, request.path, header(request, EMAIL_HEADER) !== undefined);
  return {
    name: 'periscope-v1 emulator',
    kindOf(request): RouteKind {
      const route = routeOf(request);
      return typeof route === 'object' ? route.kind : 'other';
    },
    answer(request: EmulatorRequest, hooks: ListingPageHook): Reply {
      const route = routeOf(request);
      const query = parseRailsQuery(request.rawQuery);
      if (query === undefined || route === 'malformed')
        return message(400, 'Malformed percent-encoding in the URL');
      if (route === undefined) return message(404, 'Not found');
      if (!authorised(settings, header(request, AUTH_HEADER))) {
        return message(403, 'Forbidden: send HTTP-X-PARTNER-AUTH: <site>:<api key>');
      }
      // Auth names the site, so only then can the server tell the site has no API: the vendor
      // documents 404 on every endpoint, and we answer it exactly like an unknown route.
      if (!store.apiEnabled) return message(404, 'Not found');
      return route.run({
        method: request.method,
        query,
        email: header(request, EMAIL_HEADER),
        body: request.body.text,
        site: settings.site,
        store,
        pageSize: settings.pageSize,
        testMode: query.test_mode === 'true',
        listingPage: (kind, next, firstOfPage) => hooks.listingPage(kind, next, firstOfPage),
      });
    },
    drift(fault: DriftFault): void {
      const rng = createRng(fault.seed ?? settings.driftSeed);
      store.drift(fault.add ?? 0, fault.remove ?? 0, rng, settings.referenceMs);
    },
    logFields(request): PeriscopeV1LogFields {
      const email = header(request, EMAIL_HEADER);
      return {
        testMode: parseRailsQuery(request.rawQuery)?.test_mode,
        hasAuth: header(request, AUTH_HEADER) !== undefined,
        ...(email !== undefined && { email }),
      };
    },
  };
}

function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function authorised(settings: AppSettings, value: string | undefined): boolean {
  if (value === undefined) return false;
  const colon = value.indexOf(':');
  return (
    colon !== -1 && value.slice(0, colon) === settings.site && value.slice(colon + 1) === settings.apiKey
  );
}
