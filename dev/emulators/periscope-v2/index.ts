/**
 * An emulator of the Periscope / Sisense for Cloud Data Teams "Users and Roles API for RBAC"
 * (v2), for rollcall's tests, benchmarks and demo: real HTTP, seeded data, the vendor's split
 * paths and its id-less-role quirk, and the shared injectable faults. Behaviour choices where
 * the vendor is silent are listed in ./README.md.
 */

import { FaultingServer, type LoggedRequest } from '../shared/fault-server.ts';
import { type EmulatorFaults, FaultPlan } from '../shared/faults.ts';
import { createPeriscopeV2App } from './app.ts';
import { DEFAULT_REFERENCE_DATE, generateSiteData, parseReferenceDate } from './data.ts';
import { createState, type PeriscopeV2State } from './state.ts';
import { SiteStore } from './store.ts';

export type { LoggedRequest } from '../shared/fault-server.ts';
export type { EmulatorFaults, RouteKind } from '../shared/faults.ts';
export { DEFAULT_REFERENCE_DATE, generateSiteData } from './data.ts';
export type { PeriscopeV2RoleInput, PeriscopeV2State, PeriscopeV2UserInput } from './state.ts';
export type {
  PeriscopeV2Dashboard,
  PeriscopeV2Permission,
  PeriscopeV2Privilege,
  PeriscopeV2Role,
  PeriscopeV2User,
} from './types.ts';
export { ADMIN, DASHBOARD, EVERYONE } from './types.ts';

export const DEFAULT_SITE = 'rollcall-rbac-demo';
/** A demo key shaped like the vendor's sample (UUID-like, shortened last group). */
export const DEFAULT_API_KEY = '3f9a0c71-5be2-4d84-a0c6-8e1b7d24';
export const DEFAULT_USERS = 250;
export const DEFAULT_ROLES = 12;
export const DEFAULT_DASHBOARDS = 40;
export const DEFAULT_SEED = 1;
export const DEFAULT_PAGE_SIZE = 100;

export interface PeriscopeV2EmulatorOptions {
  /** Site name expected in HTTP-X-PARTNER-AUTH. Default 'rollcall-rbac-demo'. */
  site?: string;
  /** Default DEFAULT_API_KEY. */
  apiKey?: string;
  /** false: every route answers 404 once the caller is authenticated (the paid feature is off). Default true. */
  apiEnabled?: boolean;
  /** Generated users. Default 250. */
  users?: number;
  /** Generated roles including "Everyone" (always) and "Admin" (from 2 on). Default 12. */
  roles?: number;
  /** Generated dashboards. Default 40. */
  dashboards?: number;
  /**
   * The community-reported quirk: roles without any dashboard grant come back without `id`, and
   * users name them by their name instead. Default false. Switchable with `state.setRolesWithoutIds`.
   */
  rolesWithoutIds?: boolean;
  /** Default 1. Also seeds drift. */
  seed?: number;
  /** Users and dashboards per listing page. Default 100 (the v1 cap; v2 presumably shares it). */
  pageSize?: number;
  /** e.g. `{ latencyMs: 10 }`; see ../shared/faults.ts. */
  faults?: EmulatorFaults;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Generated timestamps lie before this instant. Default 2026-11-01T00:00:00Z. */
  referenceDate?: string;
}

export interface PeriscopeV2Emulator {
  /** e.g. http://127.0.0.1:PORT, no trailing slash; routes live under /api/v2 and /api/v1. */
  readonly url: string;
  readonly site: string;
  readonly apiKey: string;
  /** `{ site, apiKey }`: the credentials JSON rollcall's periscope-v2 provider takes. */
  readonly credentials: { readonly site: string; readonly apiKey: string };
  readonly state: PeriscopeV2State;
  /** Every request answered (or reset) since the last resetRequestLog(), oldest first. */
  readonly requests: readonly LoggedRequest[];
  resetRequestLog(): void;
  /** Replaces every fault and restarts their counters. `{}` switches them all off. */
  setFaults(faults: EmulatorFaults): void;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

export async function startPeriscopeV2Emulator(
  options: PeriscopeV2EmulatorOptions = {},
): Promise<PeriscopeV2Emulator> {
  const site = options.site ?? DEFAULT_SITE;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const seed = options.seed ?? DEFAULT_SEED;
  const host = options.host ?? '127.0.0.1';
  if (site === '' || site.includes(':')) throw new RangeError('site must be non-empty and contain no ":"');
  if (apiKey === '') throw new RangeError('apiKey must be non-empty');
  if (!Number.isSafeInteger(pageSize) || pageSize < 1)
    throw new RangeError('pageSize must be an integer >= 1');

  const data = generateSiteData({
    users: options.users ?? DEFAULT_USERS,
    roles: options.roles ?? DEFAULT_ROLES,
    dashboards: options.dashboards ?? DEFAULT_DASHBOARDS,
    seed,
    referenceDate: options.referenceDate ?? DEFAULT_REFERENCE_DATE,
  });
  const store = new SiteStore(data, options.apiEnabled ?? true, options.rolesWithoutIds ?? false);
  const server = new FaultingServer(
    createPeriscopeV2App({
      site,
      apiKey,
      pageSize,
      store,
      referenceMs: parseReferenceDate(options.referenceDate),
      driftSeed: (seed ^ 0x5eed) >>> 0,
    }),
  );
  server.faults = new FaultPlan(options.faults);
  const port = await server.listen(options.port ?? 0, host);

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    site,
    apiKey,
    credentials: { site, apiKey },
    state: createState(store),
    get requests() {
      return server.requests.slice();
    },
    resetRequestLog() {
      server.requests.length = 0;
    },
    setFaults(faults) {
      server.faults = new FaultPlan(faults);
    },
    close: () => server.close(),
  };
}
