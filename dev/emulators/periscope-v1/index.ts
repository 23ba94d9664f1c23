/**
 * An emulator of the Periscope v1 User and Group Management API, for rollcall's tests,
 * benchmarks and demo: real HTTP, seeded data, the vendor's quirks, and injectable faults.
 * Behaviour choices where the vendor is silent are listed in ./README.md.
 */

import { FaultingServer, type LoggedRequest as SharedLoggedRequest } from '../shared/fault-server.ts';
import { type EmulatorFaults, FaultPlan } from '../shared/faults.ts';
import { createPeriscopeV1App, type PeriscopeV1LogFields } from './app.ts';
import { DEFAULT_REFERENCE_DATE, generateSiteData, parseReferenceDate, type SiteData } from './data.ts';
import { copyGroup, copyUser, createState, type PeriscopeV1State } from './state.ts';
import { SiteStore } from './store.ts';
import type { PeriscopeV1Group, PeriscopeV1User } from './types.ts';

export type {
  CountedFault,
  DriftFault,
  EmulatorFaults,
  FaultName,
  FaultRoute,
  LatencyFault,
  RateLimitFault,
  RepeatCursorFault,
  ResetConnectionFault,
  RouteKind,
  ServerErrorFault,
  TruncatedBodyFault,
} from '../shared/faults.ts';
export { DEFAULT_REFERENCE_DATE, generateSiteData } from './data.ts';
/** The Periscope v1 emulator takes the fault switches every emulator shares. */
export type PeriscopeV1Faults = EmulatorFaults;
/** One answered (or reset) request: the shared fields and v1's own. */
export type LoggedRequest = SharedLoggedRequest & PeriscopeV1LogFields;
export type { PeriscopeV1GroupInput, PeriscopeV1State } from './state.ts';
export type { PeriscopeV1Access, PeriscopeV1Dashboard, PeriscopeV1Group, PeriscopeV1User } from './types.ts';
export { ADMINISTRATORS, ALL_USERS } from './types.ts';

export const DEFAULT_SITE = 'rollcall-demo';
/** A demo key shaped like the vendor's sample (UUID-like, shortened last group). */
export const DEFAULT_API_KEY = '7c1e4b2a-93d5-4f08-b6a1-2d9e5c0f';
export const DEFAULT_USERS = 250;
export const DEFAULT_GROUPS = 20;
export const DEFAULT_SEED = 1;
export const DEFAULT_PAGE_SIZE = 100;

export interface PeriscopeV1EmulatorOptions {
  /** Site name expected in HTTP-X-PARTNER-AUTH. Default 'rollcall-demo'. */
  site?: string;
  /** Default DEFAULT_API_KEY. */
  apiKey?: string;
  /** false: every route answers 404 once the caller is authenticated. Default true. */
  apiEnabled?: boolean;
  /** Generated users. Default 250. Ignored when `data` is given. */
  users?: number;
  /** Generated groups including "All Users" and "Administrators". Default 20. Ignored with `data`. */
  groups?: number;
  /** Default 1. Also seeds drift. */
  seed?: number;
  /** Exact records instead of generated ones (copied; "All Users" is added when missing). */
  data?: { users: PeriscopeV1User[]; groups: PeriscopeV1Group[] };
  /** Records per listing page. Default 100, as the vendor's fixed page. */
  pageSize?: number;
  faults?: EmulatorFaults;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Generated timestamps lie before this instant. Default 2026-11-01T00:00:00Z. */
  referenceDate?: string;
}

export interface PeriscopeV1Emulator {
  /** e.g. http://127.0.0.1:PORT, no trailing slash; routes live under /api/v1. */
  readonly url: string;
  readonly site: string;
  readonly apiKey: string;
  readonly state: PeriscopeV1State;
  /** Every request answered (or reset) since the last resetRequestLog(), oldest first. */
  readonly requests: readonly LoggedRequest[];
  resetRequestLog(): void;
  /** Replaces every fault and restarts their counters. `{}` switches them all off. */
  setFaults(faults: EmulatorFaults): void;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

function siteData(options: PeriscopeV1EmulatorOptions, seed: number): SiteData {
  if (options.data) {
    return { users: options.data.users.map(copyUser), groups: options.data.groups.map(copyGroup) };
  }
  return generateSiteData({
    users: options.users ?? DEFAULT_USERS,
    groups: options.groups ?? DEFAULT_GROUPS,
    seed,
    referenceDate: options.referenceDate ?? DEFAULT_REFERENCE_DATE,
  });
}

export async function startPeriscopeV1Emulator(
  options: PeriscopeV1EmulatorOptions = {},
): Promise<PeriscopeV1Emulator> {
  const site = options.site ?? DEFAULT_SITE;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const seed = options.seed ?? DEFAULT_SEED;
  const host = options.host ?? '127.0.0.1';
  if (site === '' || site.includes(':')) throw new RangeError('site must be non-empty and contain no ":"');
  if (apiKey === '') throw new RangeError('apiKey must be non-empty');
  if (!Number.isSafeInteger(pageSize) || pageSize < 1)
    throw new RangeError('pageSize must be an integer >= 1');

  const store = new SiteStore(siteData(options, seed), options.apiEnabled ?? true);
  const server = new FaultingServer(
    createPeriscopeV1App({
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
  const state = createState(store);

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    site,
    apiKey,
    state,
    get requests() {
      return server.requests.slice() as LoggedRequest[];
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
