import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type DriftFault, type FaultName, FaultPlan, type Interruption, type RouteKind } from './faults.ts';
import { message, type Reply, readBody, waitUntil } from './http.ts';

/** One request as an emulator's routes see it. */
export interface EmulatorRequest {
  readonly method: string;
  /** As sent, still percent-encoded, without the query. */
  readonly path: string;
  /** Standard form decoding (`+` is a space); repeated keys are kept (`getAll`). */
  readonly query: URLSearchParams;
  /** The query as sent, for an app that decodes it its own way (Rails-style). */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: { readonly text: string; readonly tooLarge: boolean };
}

/** What a listing route tells the server after serving a page, so repeat-cursor and drift faults apply. */
export interface ListingPageHook {
  /**
   * Returns the cursor to send instead of `next` (a repeat-cursor fault freezes it), and applies
   * a drift fault through the emulator's `drift` callback when it is due.
   */
  listingPage(
    kind: 'users-list' | 'groups-list',
    next: string | null,
    firstOfPage: string | null,
  ): string | null;
}

/** The provider-specific half of an emulator: its routes, their kinds, and how data drifts. */
export interface EmulatorApp {
  /** For error logs: "lumapps emulator". */
  readonly name: string;
  kindOf(request: EmulatorRequest): RouteKind;
  answer(request: EmulatorRequest, hooks: ListingPageHook): Reply;
  /** Users join and leave mid-listing (the drift fault). */
  drift(fault: DriftFault): void;
  /** Provider-specific facts for the request log (never a secret). */
  logFields?(request: EmulatorRequest): Readonly<Record<string, unknown>>;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** 0 when the connection was reset instead of answered. */
  readonly status: number;
  readonly kind: RouteKind;
  /** The injected fault that shaped this response, if any. */
  readonly fault?: FaultName;
  /** What the app's `logFields` added. */
  readonly [field: string]: unknown;
}

const LOG_LIMIT = 100_000;
const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * The HTTP side every emulator shares: the fault switches (latency, 429 with Retry-After, 5xx,
 * reset connections, truncated bodies, repeated cursors, drift) and a request log. Answers are
 * worked out on arrival and leave at arrival + latency, so benchmarks measure against a floor of
 * requests × latency. Error bodies for injected 429/5xx use `errorBody` so each emulator can keep
 * its vendor's envelope.
 */
export class FaultingServer {
  faults = new FaultPlan();
  readonly requests: LoggedRequest[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly app: EmulatorApp,
    private readonly errorBody: (status: number, text: string) => Reply = message,
  ) {
    this.server = createServer({ noDelay: true }, (req, res) => {
      this.handle(req.method ?? 'GET', req.url ?? '/', req.headers, req, res).catch((error: unknown) => {
        if (req.destroyed || res.destroyed) return;
        console.error(`${app.name}: unexpected error`, error);
        const answer = this.errorBody(500, 'Internal Server Error');
        if (!res.headersSent) write(res, answer, serialise(answer, false));
      });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    req: Parameters<typeof readBody>[0],
    res: ServerResponse,
  ): Promise<void> {
    const arrived = performance.now();
    const q = url.indexOf('?');
    const request: EmulatorRequest = {
      method,
      path: q === -1 ? url : url.slice(0, q),
      query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
      rawQuery: q === -1 ? '' : url.slice(q + 1),
      headers,
      body: await readBody(req),
    };
    const kind = this.app.kindOf(request);
    const plan = this.faults;
    const interruption = plan.interruption(kind);
    let answer: Reply | undefined;
    if (interruption === undefined || interruption.fault === 'truncatedBody') {
      answer = this.answer(request, plan);
    } else if (interruption.fault !== 'resetConnection') {
      answer = this.interruptionReply(interruption);
    }
    // Serialised on arrival, so the work hides inside the latency instead of adding to it.
    const payload = answer && serialise(answer, interruption?.fault === 'truncatedBody');
    await waitUntil(arrived + plan.latencyFor(kind), this.timers);
    if (this.closed) return;
    if (this.requests.length >= LOG_LIMIT) this.requests.splice(0, LOG_LIMIT / 2);
    this.requests.push({
      method,
      path: request.path,
      query: Object.fromEntries(request.query),
      status: answer?.status ?? 0,
      kind,
      ...this.app.logFields?.(request),
      ...(interruption && { fault: interruption.fault }),
    });
    if (!answer || !payload) req.socket.destroy();
    else if (!res.destroyed) write(res, answer, payload);
  }

  private answer(request: EmulatorRequest, plan: FaultPlan): Reply {
    if (request.body.tooLarge) return this.errorBody(413, 'Request body too large');
    try {
      return this.app.answer(request, {
        listingPage: (kind, next, firstOfPage) => {
          const served = plan.listingPage(kind, next, firstOfPage);
          if (served.drift) this.app.drift(served.drift);
          return served.next;
        },
      });
    } catch (error) {
      console.error(`${this.app.name}: a route failed`, error);
      return this.errorBody(500, 'Internal Server Error');
    }
  }

  private interruptionReply(
    interruption: Exclude<Interruption, { fault: 'resetConnection' | 'truncatedBody' }>,
  ) {
    if (interruption.fault === 'rateLimit') {
      const answer = this.errorBody(429, 'Rate limit exceeded');
      return {
        ...answer,
        headers: { ...answer.headers, 'Retry-After': String(interruption.retryAfterSeconds) },
      };
    }
    return this.errorBody(interruption.status, STATUS_TEXT[interruption.status] ?? 'Server error');
  }
}

function serialise(answer: Reply, truncate: boolean): Buffer {
  const full = answer.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(answer.body), 'utf8');
  // Cut mid-document with a Content-Length that matches the cut: the transfer looks complete,
  // only JSON parsing can tell.
  return truncate ? full.subarray(0, Math.floor(full.length / 2)) : full;
}

function write(res: ServerResponse, answer: Reply, payload: Buffer): void {
  res.writeHead(answer.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': payload.length,
    ...answer.headers,
  });
  res.end(payload);
}
