/**
 * An emulator of the Trivore ID Management API (users and groups: listings, reads and the writes a
 * restore needs), for rollcall's tests, benchmarks and demo: real HTTP, seeded data, the vendor's
 * paging, status codes, errors and permission checks, and the shared fault switches. Choices where
 * the vendor is silent: ./README.md.
 */

import { FaultingServer, type LoggedRequest } from '../shared/fault-server.ts';
import { type EmulatorFaults, FaultPlan, type RouteKind } from '../shared/faults.ts';
import { createRng } from '../shared/prng.ts';
import { TrivoreApp, type TrivoreLogFields } from './app.ts';
import {
  DEFAULT_REFERENCE_DATE,
  generateSiteData,
  parseReferenceDate,
  type TrivoreSiteData,
} from './data.ts';
import { trivoreError } from './errors.ts';
import { InFlightLog } from './in-flight.ts';
import { createState, type TrivoreState } from './state.ts';
import { TrivoreStore } from './store.ts';
import type { TrivoreGroup, TrivorePermission, TrivoreUser } from './types.ts';

export type { LoggedRequest } from '../shared/fault-server.ts';
export type { EmulatorFaults, RouteKind } from '../shared/faults.ts';
export type { TrivoreLogFields } from './app.ts';
export { DEFAULT_REFERENCE_DATE, generateSiteData, javaInstant } from './data.ts';
export type { TrivoreGroupInput, TrivoreState, TrivoreUserInput } from './state.ts';
export type * from './types.ts';

/** A client id shaped like the vendor's samples (16 digits). */
export const DEFAULT_CLIENT_ID = '9939129297585525';
export const DEFAULT_CLIENT_SECRET = 'emulator-secret-Zq7xW2';
export const DEFAULT_USERS = 250;
export const DEFAULT_GROUPS = 20;
export const DEFAULT_SEED = 1;
/** The documented page-size ceiling. */
export const DEFAULT_MAX_COUNT = 500;
/** The SDK's default `count`, used when a request sends none. */
export const DEFAULT_COUNT = 100;

export interface TrivoreEmulatorOptions {
  /** Management API client id. Default DEFAULT_CLIENT_ID. */
  clientId?: string;
  /** Default DEFAULT_CLIENT_SECRET. */
  clientSecret?: string;
  /** Generated users. Default 250. Ignored when `data` is given. */
  users?: number;
  /** Generated groups. Default 20. Ignored when `data` is given. */
  groups?: number;
  /** Default 1. Also seeds drift and the ids of records added through `state` or over HTTP. */
  seed?: number;
  /** Exact records instead of generated ones (copied); ids must be unique. */
  data?: { users: TrivoreUser[]; groups: TrivoreGroup[] };
  /** The most records a page holds; a larger `count` is cut to it silently. Default 500. */
  maxCount?: number;
  /** Records on a page when no `count` is sent. Default 100. */
  defaultCount?: number;
  /** Permissions the client lacks: 403 `Client does not have required permission X.` on their routes. */
  deniedPermissions?: TrivorePermission[];
  /** The shared fault switches; `latencyMs` sets latency for every route. */
  faults?: EmulatorFaults;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Generated timestamps lie before this instant. Default 2026-11-01T00:00:00Z. */
  referenceDate?: string;
}

export interface TrivoreCredentialsJson {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface TrivoreEmulator {
  /** The server's origin, e.g. http://127.0.0.1:PORT (a site's baseUrl); the API is under /api/rest/v1. */
  readonly url: string;
  /** The credentials JSON a rollcall site uses for this emulator. */
  readonly credentials: TrivoreCredentialsJson;
  readonly state: TrivoreState;
  /**
   * Every request answered (or reset) since the last resetRequestLog(), oldest first. Writes
   * (kind `write`) also carry TrivoreLogFields: the body with passwords redacted, the new id.
   */
  readonly requests: readonly LoggedRequest[];
  /** The logged writes (POST, PUT, DELETE and other non-GET methods on API routes), oldest first. */
  writes(): (LoggedRequest & TrivoreLogFields)[];
  /** How many requests of each kind arrived since the last resetRequestLog(). */
  requestsByKind(): Partial<Record<RouteKind, number>>;
  /**
   * The most requests (of `kind`, or any) on the server at once since the last resetRequestLog(),
   * each counted from arrival for its latency: at most the client's concurrency. 0 without latency.
   */
  peakConcurrency(kind?: RouteKind): number;
  resetRequestLog(): void;
  /** Replaces every fault and restarts their counters. `{}` switches them all off. */
  setFaults(faults: EmulatorFaults): void;
  /** Replaces the permissions the client lacks. */
  setDeniedPermissions(permissions: readonly TrivorePermission[]): void;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1`);
  return value;
}

function siteData(options: TrivoreEmulatorOptions, seed: number): TrivoreSiteData {
  if (options.data) return structuredClone(options.data);
  return generateSiteData({
    users: options.users ?? DEFAULT_USERS,
    groups: options.groups ?? DEFAULT_GROUPS,
    seed,
    ...(options.referenceDate === undefined ? {} : { referenceDate: options.referenceDate }),
  });
}

export async function startTrivoreEmulator(options: TrivoreEmulatorOptions = {}): Promise<TrivoreEmulator> {
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  if (clientId === '' || clientId.includes(':'))
    throw new RangeError('clientId must be non-empty without ":"');
  if (clientSecret === '') throw new RangeError('clientSecret must be non-empty');
  const seed = options.seed ?? DEFAULT_SEED;
  const host = options.host ?? '127.0.0.1';
  const referenceMs = parseReferenceDate(options.referenceDate ?? DEFAULT_REFERENCE_DATE);
  const store = new TrivoreStore(siteData(options, seed));
  const inFlight = new InFlightLog();

  let faults = new FaultPlan(options.faults);
  const settings = {
    clientId,
    clientSecret,
    store,
    deniedPermissions: new Set(options.deniedPermissions ?? []),
    referenceMs,
    driftSeed: (seed ^ 0x5eed) >>> 0,
    inFlight,
    writeRng: createRng((seed ^ 0x771e) >>> 0),
    latencyFor: (kind: RouteKind) => faults.latencyFor(kind),
    maxCount: positive('maxCount', options.maxCount ?? DEFAULT_MAX_COUNT),
    defaultCount: positive('defaultCount', options.defaultCount ?? DEFAULT_COUNT),
  };
  const server = new FaultingServer(new TrivoreApp(settings), trivoreError);
  server.faults = faults;
  const port = await server.listen(options.port ?? 0, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  store.setBaseUrl(url);

  return {
    url,
    credentials: { clientId, clientSecret },
    state: createState(store, createRng((seed ^ 0xadd) >>> 0), referenceMs),
    get requests() {
      return server.requests.slice();
    },
    writes: () =>
      server.requests.filter((request) => request.kind === 'write') as (LoggedRequest & TrivoreLogFields)[],
    requestsByKind() {
      const counts: Partial<Record<RouteKind, number>> = {};
      for (const request of server.requests) counts[request.kind] = (counts[request.kind] ?? 0) + 1;
      return counts;
    },
    peakConcurrency: (kind) => inFlight.peak(kind),
    resetRequestLog() {
      server.requests.length = 0;
      inFlight.reset();
    },
    setFaults(next) {
      faults = new FaultPlan(next);
      server.faults = faults;
    },
    setDeniedPermissions(permissions) {
      settings.deniedPermissions = new Set(permissions);
    },
    close: () => server.close(),
  };
}
