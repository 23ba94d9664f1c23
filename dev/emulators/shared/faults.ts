/**
 * Synthetic faults (no vendor documents any), the same switches in every emulator: deterministic,
 * counted per fault since the last setFaults(), so a test knows exactly which request fails.
 */

/**
 * What a request is, for scoping faults; every emulator maps its routes onto these, so one test
 * can say "a 5xx on the second users page" of any provider. Groups are whatever the provider calls
 * them (groups, roles, feeds); `token` is an authentication exchange. Unknown routes are 'other'
 * and only match 'any'.
 */
export type RouteKind =
  | 'users-list'
  | 'user-detail'
  | 'groups-list'
  | 'group-detail'
  | 'token'
  | 'write'
  | 'other';
export type FaultRoute = Exclude<RouteKind, 'other'> | 'any';

/** Fires on matching requests number after+1 … after+count (1-based, counted per fault). */
export interface CountedFault {
  /** Default 'any'. */
  route?: FaultRoute;
  /** Matching requests to let through first. Default 0. */
  after?: number;
  /** How many matching requests to hit; Infinity for a persistent fault. Default 1. */
  count?: number;
}

export interface RateLimitFault extends CountedFault {
  /** Sent as `Retry-After`; 0 keeps tests fast. Default 1. */
  retryAfterSeconds?: number;
}

export interface ServerErrorFault extends CountedFault {
  /** Default 500. */
  status?: 500 | 502 | 503;
}

/** The socket is destroyed after the request is read, with no response at all. */
export type ResetConnectionFault = CountedFault;

/** The real response, with its body cut in half and a Content-Length that matches the cut. */
export type TruncatedBodyFault = CountedFault;

export interface LatencyFault {
  ms: number;
  /** Default 'any'. */
  route?: FaultRoute;
}

export interface RepeatCursorFault {
  /**
   * From this listing page on (1-based, pages served since setFaults), every page answers
   * with page K's `next_page_start`, so a client that follows it never reaches the end. When
   * page K is the last page, its own first record becomes the cursor.
   */
  fromPage: number;
  /** Default 'users-list'. */
  route?: 'users-list' | 'groups-list';
}

export interface DriftFault {
  /** Applied once, right after user-listing page K (1-based) is served. */
  afterPage: number;
  /** Users added (generated, spread over the whole e-mail range). */
  add?: number;
  /** Users removed (chosen at random, seeded). */
  remove?: number;
  /** Seed for which users change; default derived from the site seed. */
  seed?: number;
}

export interface EmulatorFaults {
  /** Added before every matching response; a number means every route. */
  latencyMs?: number | LatencyFault;
  rateLimit?: RateLimitFault;
  serverErrors?: ServerErrorFault;
  resetConnection?: ResetConnectionFault;
  truncatedBody?: TruncatedBodyFault;
  repeatCursor?: RepeatCursorFault;
  drift?: DriftFault;
}

export type FaultName = 'rateLimit' | 'serverErrors' | 'resetConnection' | 'truncatedBody';

export type Interruption =
  | { readonly fault: 'resetConnection' }
  | { readonly fault: 'rateLimit'; readonly retryAfterSeconds: number }
  | { readonly fault: 'serverErrors'; readonly status: number }
  | { readonly fault: 'truncatedBody' };

const matches = (route: FaultRoute | undefined, kind: RouteKind): boolean =>
  route === undefined || route === 'any' || route === kind;

/** Counts the requests a fault matches and says which it fires on. */
export class Counter {
  private seen = 0;
  constructor(private readonly fault: CountedFault) {}

  /** Counts the request when it matches and says whether the fault fires on it. */
  fires(kind: RouteKind): boolean {
    if (!matches(this.fault.route, kind)) return false;
    this.seen += 1;
    const after = this.fault.after ?? 0;
    return this.seen > after && this.seen - after <= (this.fault.count ?? 1);
  }
}

function checkFaults(faults: EmulatorFaults): void {
  const latency = typeof faults.latencyMs === 'number' ? faults.latencyMs : faults.latencyMs?.ms;
  if (latency !== undefined && !(latency >= 0 && Number.isFinite(latency))) {
    throw new RangeError(`latencyMs must be a finite number >= 0, got ${latency}`);
  }
  for (const name of ['rateLimit', 'serverErrors', 'resetConnection', 'truncatedBody'] as const) {
    const fault = faults[name];
    if (!fault) continue;
    if (fault.after !== undefined && !(Number.isInteger(fault.after) && fault.after >= 0)) {
      throw new RangeError(`${name}.after must be an integer >= 0`);
    }
    const count = fault.count ?? 1;
    if (!(count === Number.POSITIVE_INFINITY || (Number.isInteger(count) && count >= 0))) {
      throw new RangeError(`${name}.count must be an integer >= 0 or Infinity`);
    }
  }
  const status = faults.serverErrors?.status;
  if (status !== undefined && ![500, 502, 503].includes(status)) {
    throw new RangeError(`serverErrors.status must be 500, 502 or 503, got ${status}`);
  }
}

/** One fault configuration and its counters; replaced wholesale by setFaults(). */
export class FaultPlan {
  private readonly counters: { name: FaultName; counter: Counter; fault: CountedFault }[] = [];
  private readonly listingPages = { 'users-list': 0, 'groups-list': 0 };
  private frozenCursor: string | null | undefined;
  private driftDone = false;

  constructor(readonly faults: EmulatorFaults = {}) {
    checkFaults(faults);
    // Order is priority when two faults fire on the same request.
    for (const name of ['resetConnection', 'rateLimit', 'serverErrors', 'truncatedBody'] as const) {
      const fault = faults[name];
      if (fault) this.counters.push({ name, counter: new Counter(fault), fault });
    }
  }

  latencyFor(kind: RouteKind): number {
    const latency = this.faults.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return matches(latency.route, kind) ? latency.ms : 0;
  }

  /** Called once per request. Every matching fault counts it; the first that fires wins. */
  interruption(kind: RouteKind): Interruption | undefined {
    let winner: Interruption | undefined;
    for (const { name, counter, fault } of this.counters) {
      if (!counter.fires(kind) || winner) continue;
      if (name === 'rateLimit') {
        winner = { fault: name, retryAfterSeconds: (fault as RateLimitFault).retryAfterSeconds ?? 1 };
      } else if (name === 'serverErrors') {
        winner = { fault: name, status: (fault as ServerErrorFault).status ?? 500 };
      } else {
        winner = { fault: name };
      }
    }
    return winner;
  }

  /**
   * Called when a listing page is served: returns the cursor to send, and the drift to apply
   * before the next request, if it is due now.
   */
  listingPage(
    kind: 'users-list' | 'groups-list',
    next: string | null,
    firstOfPage: string | null,
  ): { next: string | null; drift?: DriftFault } {
    this.listingPages[kind] += 1;
    const pageNo = this.listingPages[kind];
    let cursor = next;
    const repeat = this.faults.repeatCursor;
    if (repeat && (repeat.route ?? 'users-list') === kind && pageNo >= repeat.fromPage) {
      if (this.frozenCursor === undefined) this.frozenCursor = next ?? firstOfPage;
      cursor = this.frozenCursor;
    }
    const drift = this.faults.drift;
    if (drift && kind === 'users-list' && !this.driftDone && pageNo >= drift.afterPage) {
      this.driftDone = true;
      return { next: cursor, drift };
    }
    return { next: cursor };
  }
}
