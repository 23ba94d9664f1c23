/**
 * An emulator of the LumApps v1 API (`/_ah/api/lumsites/v1/`) and its application-token
 * endpoint, for rollcall's tests, benchmarks and demo: real HTTP, seeded data, the vendor's
 * quirks (hidden users, naive timestamps, `more`/`cursor` paging, the token user as `user/get`'s
 * default), the writes a restore uses (user/save, feed/save, feed/subscribers/save; no user
 * delete) and injectable faults. Behaviour choices where the vendor is silent: ./README.md.
 */

import { FaultingServer, type LoggedRequest } from '../shared/fault-server.ts';
import { type CountedFault, type EmulatorFaults, FaultPlan } from '../shared/faults.ts';
import { LumAppsApp } from './app.ts';
import { DEFAULT_REFERENCE_DATE, generateSiteData, parseReferenceDate, type SiteData } from './data.ts';
import type { EmptyMoreFault } from './routes/context.ts';
import { apiError } from './routes/errors.ts';
import { createState, type LumAppsState } from './state.ts';
import { SiteStore } from './store.ts';
import { TokenRegistry } from './tokens.ts';
import type { LumAppsFeed, LumAppsUser } from './types.ts';
import type { LumAppsWriteRequest } from './write-log.ts';

export type { LoggedRequest } from '../shared/fault-server.ts';
export type { DriftFault, EmulatorFaults, RouteKind } from '../shared/faults.ts';
export { API_ROOT } from './app.ts';
export { DEFAULT_REFERENCE_DATE, generateSiteData, naiveTimestamp } from './data.ts';
export type { EmptyMoreFault } from './routes/context.ts';
export type { LumAppsState } from './state.ts';
export type * from './types.ts';
export type { LumAppsWriteRequest, LumAppsWriteSummary } from './write-log.ts';

/** The shared fault switches plus the LumApps-only one. */
export interface LumAppsFaults extends EmulatorFaults {
  /** A listing page that says `more: true` but holds no items. */
  emptyMore?: EmptyMoreFault;
  /**
   * The per-minute quota, as LumApps signals it: HTTP 400 whose error envelope gives the reason
   * `RATE_LIMIT_EXCEEDED` (no Retry-After), on the matching requests.
   */
  quotaExceeded?: CountedFault;
}

export const DEFAULT_ORGANIZATION_ID = '4664706704080896';
export const DEFAULT_CLIENT_ID = 'rollcall-demo-client';
/** A demo secret for local development only. */
export const DEFAULT_CLIENT_SECRET = 'lumapps-demo-secret-3f9c2a7e5b1d';
export const DEFAULT_ADMIN_EMAIL = 'site.admin@rollcall-demo.example';
export const DEFAULT_USERS = 250;
export const DEFAULT_FEEDS = 20;
export const DEFAULT_HIDDEN_USERS = 5;
export const DEFAULT_DISABLED_USERS = 10;
export const DEFAULT_SEED = 1;
/** The largest page served: `maxResults` above it is clamped to it. */
export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export interface LumAppsEmulatorOptions {
  /** The organisation (customer) id in the token path and every record's `customer`. */
  organizationId?: string;
  clientId?: string;
  clientSecret?: string;
  /** The enabled administrator the token may act as; always the site's first generated user. */
  adminEmail?: string;
  /** Enabled, visible users, the admin included (at least 1). Default 250. Ignored with `data`. */
  users?: number;
  /** Feeds (groups). Default 20. Ignored with `data`. */
  feeds?: number;
  /** Extra hidden (enabled) users. Default 5. Ignored with `data`. */
  hiddenUsers?: number;
  /** Extra disabled users, every third of them hidden too. Default 10. Ignored with `data`. */
  disabledUsers?: number;
  /** Default 1. Also seeds drift. */
  seed?: number;
  /** Exact records instead of generated ones (copied). Must contain the admin. */
  data?: { users: LumAppsUser[]; feeds: LumAppsFeed[] };
  /** The largest page served (maxResults is clamped to it). Default 100. */
  pageSize?: number;
  /** Lifetime of an application token. Default 3600. 0 makes every token dead on arrival. */
  tokenTtlSeconds?: number;
  faults?: LumAppsFaults;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Generated timestamps lie before this instant. Default 2026-11-01T00:00:00Z. */
  referenceDate?: string;
}

/** The credentials JSON rollcall's lumapps provider takes. */
export interface LumAppsCredentialsJson {
  organizationId: string;
  clientId: string;
  clientSecret: string;
  userEmail: string;
}

export interface LumAppsEmulator {
  /** e.g. http://127.0.0.1:PORT, no trailing slash: the "cell" base URL. */
  readonly url: string;
  readonly organizationId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly adminEmail: string;
  /** What rollcall's site credentials must hold to export this emulator. */
  readonly credentials: LumAppsCredentialsJson;
  readonly state: LumAppsState;
  /** Application tokens issued so far. */
  readonly tokensIssued: number;
  /** Every request answered (or reset) since the last resetRequestLog(), oldest first. */
  readonly requests: readonly LoggedRequest[];
  /**
   * The write requests among them (kind `write`: user/save, feed/save, feed/subscribers/save,
   * feed/delete), each with a summary of its body, refused and faulted ones included.
   */
  readonly writes: readonly LumAppsWriteRequest[];
  resetRequestLog(): void;
  /** Replaces every fault and restarts their counters. `{}` switches them all off. */
  setFaults(faults: LumAppsFaults): void;
  /** Every token issued so far stops working (401), as if it had expired. */
  expireTokens(): void;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

function siteData(options: LumAppsEmulatorOptions, organizationId: string, adminEmail: string): SiteData {
  if (options.data) return structuredClone(options.data);
  return generateSiteData({
    users: options.users ?? DEFAULT_USERS,
    feeds: options.feeds ?? DEFAULT_FEEDS,
    hiddenUsers: options.hiddenUsers ?? DEFAULT_HIDDEN_USERS,
    disabledUsers: options.disabledUsers ?? DEFAULT_DISABLED_USERS,
    seed: options.seed ?? DEFAULT_SEED,
    organizationId,
    adminEmail,
    ...(options.referenceDate === undefined ? {} : { referenceDate: options.referenceDate }),
  });
}

function nonEmpty(name: string, value: string): string {
  if (value === '') throw new RangeError(`${name} must be non-empty`);
  return value;
}

export async function startLumAppsEmulator(options: LumAppsEmulatorOptions = {}): Promise<LumAppsEmulator> {
  const organizationId = nonEmpty('organizationId', options.organizationId ?? DEFAULT_ORGANIZATION_ID);
  const clientId = nonEmpty('clientId', options.clientId ?? DEFAULT_CLIENT_ID);
  const clientSecret = nonEmpty('clientSecret', options.clientSecret ?? DEFAULT_CLIENT_SECRET);
  const adminEmail = nonEmpty('adminEmail', options.adminEmail ?? DEFAULT_ADMIN_EMAIL);
  if (clientId.includes(':')) throw new RangeError('clientId must not contain ":" (HTTP Basic)');
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1)
    throw new RangeError('pageSize must be an integer >= 1');
  const ttl = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!(ttl >= 0 && Number.isFinite(ttl)))
    throw new RangeError('tokenTtlSeconds must be a finite number >= 0');
  const seed = options.seed ?? DEFAULT_SEED;
  const host = options.host ?? '127.0.0.1';

  const data = siteData(options, organizationId, adminEmail);
  const instances = new Set(
    data.feeds.flatMap((feed) => (feed.instance === undefined ? [] : [feed.instance])),
  );
  const store = new SiteStore(
    data,
    adminEmail,
    {
      referenceMs: parseReferenceDate(options.referenceDate ?? DEFAULT_REFERENCE_DATE),
      organizationId,
      // Users added by drift may be instance admins: of an instance the site already has.
      instanceIds: instances.size > 0 ? [...instances] : [organizationId],
    },
    (seed ^ 0x57a7e) >>> 0,
  );
  if (store.findUserByEmail(adminEmail) === undefined)
    throw new RangeError('data has no user with adminEmail');
  const tokens = new TokenRegistry(ttl);
  const app = new LumAppsApp({
    organizationId,
    clientId,
    clientSecret,
    store,
    tokens,
    pageSize,
    driftSeed: (seed ^ 0x5eed) >>> 0,
  });
  const server = new FaultingServer(app, (status, text) => apiError(status, text));
  const setFaults = (faults: LumAppsFaults): void => {
    const { emptyMore, quotaExceeded, ...shared } = faults;
    const plan = new FaultPlan(shared);
    app.setEmptyMore(emptyMore);
    app.setQuotaExceeded(quotaExceeded);
    server.faults = plan;
  };
  setFaults(options.faults ?? {});
  const port = await server.listen(options.port ?? 0, host);

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    organizationId,
    clientId,
    clientSecret,
    adminEmail,
    credentials: { organizationId, clientId, clientSecret, userEmail: adminEmail },
    state: createState(store),
    get tokensIssued() {
      return tokens.issued;
    },
    get requests() {
      return server.requests.slice();
    },
    get writes() {
      return server.requests.filter((request): request is LumAppsWriteRequest => request.kind === 'write');
    },
    resetRequestLog() {
      server.requests.length = 0;
    },
    setFaults,
    expireTokens: () => tokens.expireAll(),
    close: () => server.close(),
  };
}
