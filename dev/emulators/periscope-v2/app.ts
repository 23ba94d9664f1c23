import type { EmulatorApp, EmulatorRequest, ListingPageHook } from '../shared/fault-server.ts';
import type { DriftFault, RouteKind } from '../shared/faults.ts';
import { message, type Reply } from '../shared/http.ts';
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

/**
 * The v2 API behind the shared faulting server. Checks run in v1's order: an unknown route is a
 * 404 before auth is looked at, then bad or missing auth is a 403, then a site without the API
 * answers 404 on every route (only the auth header names the site).
 */
export function createPeriscopeV2App(settings: AppSettings): EmulatorApp {
  const { store } = settings;
  return {
    name: 'periscope-v2 emulator',
    kindOf(request: EmulatorRequest): RouteKind {
      const route = matchRoute(request.method, request.path);
      return typeof route === 'object' ? route.kind : 'other';
    },
    answer(request: EmulatorRequest, hooks: ListingPageHook): Reply {
      const route = matchRoute(request.method, request.path);
      if (route === 'malformed') return message(400, 'Malformed percent-encoding in the URL');
      if (route === undefined) return message(404, 'Not found');
      if (!authorised(settings, request.headers[AUTH_HEADER])) {
        return message(403, 'Forbidden: send HTTP-X-PARTNER-AUTH: <site>:<api key>');
      }
      if (!store.apiEnabled) return message(404, 'Not found');
      return route.run({
        request,
        site: settings.site,
        store,
        pageSize: settings.pageSize,
        testMode: request.query.get('test_mode') === 'true',
        listingPage: (kind, next, firstOfPage) => hooks.listingPage(kind, next, firstOfPage),
      });
    },
    drift(fault: DriftFault): void {
      const rng = createRng(fault.seed ?? settings.driftSeed);
      store.drift(fault.add ?? 0, fault.remove ?? 0, rng, settings.referenceMs);
    },
  };
}

function authorised(settings: AppSettings, header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (value === undefined) return false;
  const colon = value.indexOf(':');
  return (
    colon !== -1 && value.slice(0, colon) === settings.site && value.slice(colon + 1) === settings.apiKey
  );
}
