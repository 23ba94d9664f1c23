import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  type DriftFault,
  type FaultName,
  FaultPlan,
  type Interruption,
  type RouteKind,
} from '../shared/faults.ts';
import { message, parseRailsQuery, type Reply, readBody, waitUntil } from '../shared/http.ts';
import { createRng } from '../shared/prng.ts';
import type { RequestContext } from './routes/context.ts';
import { matchRoute, type Route } from './routes/router.ts';
import type { SiteStore } from './store.ts';

export interface LoggedRequest {
  readonly method: string;
  /** The path as sent (still percent-encoded), without the query. */
  readonly path: string;
  /** The query decoded as the server reads it (`+` is a space). */
  readonly query: Readonly<Record<string, string>>;
  /** 0 when the connection was reset instead of answered. */
  readonly status: number;
  /** The raw `test_mode` value, when sent. */
  readonly testMode: string | undefined;
  /** Whether an HTTP-X-PARTNER-AUTH header was sent; the key itself is never kept. */
  readonly hasAuth: boolean;
  /** The HTTP-X-EMAIL header, when sent. */
  readonly email?: string;
  /** What the request was, in the vocabulary every emulator shares. */
  readonly kind: RouteKind;
  /** The injected fault that shaped this response, if any. */
  readonly fault?: FaultName;
}

/** One request as the server reads it, before auth and faults. */
interface Incoming {
  readonly method: string;
  /** As sent, still percent-encoded. */
  readonly path: string;
  /** Undefined when the percent-encoding is malformed. */
  readonly query: Record<string, string> | undefined;
  readonly email: string | undefined;
  readonly auth: string | undefined;
  readonly route: Route | 'malformed' | undefined;
  readonly body: { readonly text: string; readonly tooLarge: boolean };
}

export interface ServerSettings {
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
// A standalone emulator may run for days; keep the log bounded.
const LOG_LIMIT = 100_000;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The HTTP side: routing, auth, faults, the request log. */
export class EmulatorServer {
  faults = new FaultPlan();
  readonly requests: LoggedRequest[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly settings: ServerSettings) {
    this.server = createServer({ noDelay: true }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // A client that gives up mid-request (a timeout) is normal, not an emulator bug.
        if (req.destroyed || res.destroyed) return;
        console.error('periscope-v1 emulator: unexpected error', error);
        const answer = message(500, 'Internal Server Error');
        if (!res.headersSent) this.write(res, answer, serialise(answer, false));
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
      // Idle keep-alive sockets would otherwise hold close() open for seconds.
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const email = header(req, EMAIL_HEADER);
    const method = req.method ?? 'GET';
    const incoming: Incoming = {
      method,
      path: q === -1 ? url : url.slice(0, q),
      query: parseRailsQuery(q === -1 ? '' : url.slice(q + 1)),
      email,
      auth: header(req, AUTH_HEADER),
      route: matchRoute(method, q === -1 ? url : url.slice(0, q), email !== undefined),
      body: await readBody(req),
    };
    const kind: RouteKind = typeof incoming.route === 'object' ? incoming.route.kind : 'other';
    const plan = this.faults;
    const interruption = plan.interruption(kind);

    // The answer is worked out on arrival and leaves at arrival + latency, so the server's
    // own work hides inside the latency instead of adding to it: benchmarks measure against
    // a floor of pages × latency.
    let answer: Reply | undefined;
    if (interruption === undefined || interruption.fault === 'truncatedBody') {
      answer = this.answer(incoming, plan);
    } else if (interruption.fault !== 'resetConnection') {
      answer = interruptionReply(interruption);
    }
    const payload = answer && serialise(answer, interruption?.fault === 'truncatedBody');
    await waitUntil(arrived + plan.latencyFor(kind), this.timers);
    if (this.closed) return;

    if (this.requests.length >= LOG_LIMIT) this.requests.splice(0, LOG_LIMIT / 2);
    this.requests.push({
      method,
      path: incoming.path,
      query: incoming.query ?? {},
      status: answer?.status ?? 0,
      kind,
      testMode: incoming.query?.test_mode,
      hasAuth: incoming.auth !== undefined,
      ...(email !== undefined && { email }),
      ...(interruption && { fault: interruption.fault }),
    });
    if (!answer || !payload) req.socket.destroy();
    else if (!res.destroyed) this.write(res, answer, payload);
  }

  private answer(incoming: Incoming, plan: FaultPlan): Reply {
    const { route, query, body } = incoming;
    if (query === undefined || route === 'malformed') {
      return message(400, 'Malformed percent-encoding in the URL');
    }
    if (route === undefined) return message(404, 'Not found');
    if (!this.authorised(incoming.auth)) {
      return message(403, 'Forbidden: send HTTP-X-PARTNER-AUTH: <site>:<api key>');
    }
    // Auth names the site, so only then can the server tell the site has no API: the vendor
    // documents 404 on every endpoint, and we answer it exactly like an unknown route.
    if (!this.settings.store.apiEnabled) return message(404, 'Not found');
    if (body.tooLarge) return message(413, 'Request body too large');
    try {
      return route.run(this.context(incoming.method, query, incoming.email, body.text, plan));
    } catch (error) {
      console.error('periscope-v1 emulator: a route failed', error);
      return message(500, 'Internal Server Error');
    }
  }

  private context(
    method: string,
    query: Record<string, string>,
    email: string | undefined,
    body: string,
    plan: FaultPlan,
  ): RequestContext {
    const { site, store, pageSize } = this.settings;
    return {
      method,
      query,
      email,
      body,
      site,
      store,
      pageSize,
      testMode: query.test_mode === 'true',
      listingPage: (kind, next, firstOfPage) => {
        const served = plan.listingPage(kind, next, firstOfPage);
        if (served.drift) this.drift(served.drift);
        return served.next;
      },
    };
  }

  private authorised(value: string | undefined): boolean {
    if (value === undefined) return false;
    const colon = value.indexOf(':');
    return (
      colon !== -1 &&
      value.slice(0, colon) === this.settings.site &&
      value.slice(colon + 1) === this.settings.apiKey
    );
  }

  private drift(fault: DriftFault): void {
    const rng = createRng(fault.seed ?? this.settings.driftSeed);
    this.settings.store.drift(fault.add ?? 0, fault.remove ?? 0, rng, this.settings.referenceMs);
  }

  private write(res: ServerResponse, answer: Reply, payload: Buffer): void {
    res.writeHead(answer.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': payload.length,
      ...answer.headers,
    });
    res.end(payload);
  }
}

function serialise(answer: Reply, truncate: boolean): Buffer {
  const payload = Buffer.from(JSON.stringify(answer.body), 'utf8');
  // Cut mid-document with a Content-Length that matches the cut: the transfer looks
  // complete, only JSON parsing can tell.
  return truncate ? payload.subarray(0, Math.floor(payload.length / 2)) : payload;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function interruptionReply(
  interruption: Exclude<Interruption, { fault: 'resetConnection' | 'truncatedBody' }>,
): Reply {
  if (interruption.fault === 'rateLimit') {
    return message(429, 'Rate limit exceeded', { 'Retry-After': String(interruption.retryAfterSeconds) });
  }
  return message(interruption.status, STATUS_TEXT[interruption.status] ?? 'Server error');
}
