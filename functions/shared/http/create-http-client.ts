import { setTimeout as delay } from 'node:timers/promises';
import { bodyAnomalies } from './body-anomalies.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './client.ts';
import { HttpError, type HttpErrorKind } from './errors.ts';
import { createPacer } from './pacer.ts';
import { backoffDelayMs, isRetryableStatus, retryAfterDelayMs } from './retry-policy.ts';
import {
  createScrubber,
  createSecretDetector,
  errorCode,
  type Scrubber,
  scrubErrorChain,
  scrubJson,
} from './scrub.ts';
import { currentTraffic } from './traffic.ts';
import {
  fetchTransport,
  nodeHttpTransport,
  ResponseTooLarge,
  type TransportRequest,
  type TransportResponse,
} from './transport.ts';

export interface HttpClientOptions {
  /** Replaces the default transport (node:http with keep-alive connections), e.g. in tests. */
  readonly fetch?: typeof fetch;
  /** Limit for one attempt, from sending the request to the last byte of the body. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, for requests that may be retried. */
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** The longest `Retry-After` the client will honour; longer requests are cut to this. */
  readonly maxRetryAfterMs?: number;
  /**
   * The largest response body read, counted as it arrives; a longer one fails the request
   * (kind `too-large`, never retried) instead of filling memory.
   */
  readonly maxResponseBytes?: number;
  /**
   * A provider's own rate-limit answer that is not a 429 (LumApps: HTTP 400 with the reason
   * `RATE_LIMIT_EXCEEDED`): retried like a 429, after `Retry-After` or `rateLimitWaitMs`.
   */
  readonly rateLimited?: (status: number, body: unknown) => boolean;
  /** The wait after a provider's rate-limit answer that names none; default 61 s (LumApps' SDK). */
  readonly rateLimitWaitMs?: number;
  /** Paces every attempt of every request of this client; unset means no pacing. */
  readonly requestsPerSecond?: number;
  /** Values that must never appear in an error message or cause (API keys, tokens). */
  readonly secrets?: readonly string[];
  /** `rollcall/<version>`. */
  readonly userAgent?: string;
  /** [0, 1) source for backoff jitter. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch; used for pacing and `Retry-After` dates. */
  readonly now?: () => number;
}

export const httpClientDefaults = {
  timeoutMs: 30_000,
  maxRetries: 5,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  maxResponseBytes: 64 * 1024 * 1024,
  rateLimitWaitMs: 61_000,
  userAgent: 'rollcall',
} as const;

/** What one attempt came to: a response to hand back, or a failure that may be retried. */
type AttemptOutcome =
  | { readonly ok: true; readonly response: Omit<HttpResponse, 'retries'> }
  | {
      readonly ok: false;
      readonly kind: HttpErrorKind;
      readonly status?: number;
      readonly cause?: unknown;
      readonly retryAfterMs?: number;
      /** Another attempt would fail the same way. */
      readonly final?: boolean;
      /** The server said to slow down (429, or the provider's own signal). */
      readonly rateLimited?: boolean;
    };

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const transport = options.fetch === undefined ? nodeHttpTransport() : fetchTransport(options.fetch);
  const timeoutMs = options.timeoutMs ?? httpClientDefaults.timeoutMs;
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? httpClientDefaults.maxRetries));
  const baseDelayMs = options.baseDelayMs ?? httpClientDefaults.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? httpClientDefaults.maxDelayMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? httpClientDefaults.maxRetryAfterMs;
  const userAgent = options.userAgent ?? httpClientDefaults.userAgent;
  const maxBodyBytes = options.maxResponseBytes ?? httpClientDefaults.maxResponseBytes;
  const rateLimitWaitMs = options.rateLimitWaitMs ?? httpClientDefaults.rateLimitWaitMs;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const now = options.now ?? Date.now;
  const scrub = createScrubber(options.secrets ?? []);
  const mayHoldSecret = createSecretDetector(options.secrets ?? []);
  const pacer =
    options.requestsPerSecond === undefined ? undefined : createPacer(options.requestsPerSecond, now, sleep);

  async function attempt(
    url: URL,
    init: Omit<TransportRequest, 'signal' | 'maxBodyBytes'>,
    abandon: AbortSignal | undefined,
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const onAbandon = () => controller.abort();
    abandon?.addEventListener('abort', onAbandon, { once: true });
    const started = now();
    let response: TransportResponse;
    try {
      response = await transport(url, { ...init, signal: controller.signal, maxBodyBytes });
    } catch (error) {
      if (error instanceof ResponseTooLarge)
        return { ok: false, kind: 'too-large', cause: error, final: true };
      return { ok: false, kind: controller.signal.aborted ? 'timeout' : 'network', cause: error };
    } finally {
      clearTimeout(timer);
      abandon?.removeEventListener('abort', onAbandon);
      const traffic = currentTraffic();
      if (traffic) traffic.slowestRequestMs = Math.max(traffic.slowestRequestMs, now() - started);
    }
    const retryAfterMs = () => retryAfterDelayMs(response.headers.get('retry-after'), now(), maxRetryAfterMs);
    if (isRetryableStatus(response.status)) {
      const rateLimited = response.status === 429;
      return {
        ok: false,
        kind: 'status',
        status: response.status,
        retryAfterMs: retryAfterMs(),
        rateLimited,
      };
    }
    const clean = !mayHoldSecret(response.text);
    const outcome = readJson(response, clean, (body) => {
      countAnomalies(response, body);
      return clean ? body : scrubJson(body, scrub);
    });
    if (outcome.ok && options.rateLimited?.(response.status, outcome.response.body)) {
      return {
        ok: false,
        kind: 'status',
        status: response.status,
        retryAfterMs: retryAfterMs() ?? rateLimitWaitMs,
        rateLimited: true,
      };
    }
    return outcome;
  }

  return {
    async send(request: HttpRequest): Promise<HttpResponse> {
      const method = request.method ?? 'GET';
      const url = toUrl(request.url);
      const path = scrub(url.pathname);
      const mayRetry = request.retry ?? method !== 'POST';
      const maxAttempts = mayRetry ? maxRetries + 1 : 1;
      const init = { method, headers: buildHeaders(request, userAgent), ...bodyOf(request) };

      const { signal } = request;
      for (let attempts = 1; ; attempts++) {
        signal?.throwIfAborted();
        await pacer?.wait();
        const outcome = await attempt(url, init, signal);
        signal?.throwIfAborted();
        if (outcome.ok) return { ...outcome.response, retries: attempts - 1 };
        // A rate-limited request was refused, not processed: even a POST is safe to send again.
        const limit = outcome.rateLimited ? maxRetries + 1 : maxAttempts;
        if (attempts >= limit || outcome.final) throw toHttpError(outcome, method, path, attempts, scrub);
        const traffic = currentTraffic();
        if (traffic && outcome.rateLimited) traffic.rateLimitWaits += 1;
        await untilAborted(
          sleep(outcome.retryAfterMs ?? backoffDelayMs(attempts, baseDelayMs, maxDelayMs, random)),
          signal,
        );
      }
    },
  };
}

/** Into the listing being counted, if any: what JSON.parse resolved silently in a successful body. */
function countAnomalies(response: TransportResponse, body: unknown): void {
  const traffic = currentTraffic();
  if (traffic === undefined || response.status < 200 || response.status >= 300) return;
  const found = bodyAnomalies(response.text, body, response.invalidUtf8);
  traffic.invalidUtf8Records += found.invalidUtf8Records;
  traffic.duplicateKeyRecords += found.duplicateKeyRecords;
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function toUrl(url: string | URL): URL {
  try {
    return new URL(url);
  } catch {
    // Node's URL error quotes its input, which may hold a secret: say only what went wrong.
    throw new TypeError('rollcall HTTP client: the request URL is not a valid absolute URL');
  }
}

function buildHeaders(request: HttpRequest, userAgent: string): Record<string, string> {
  // Through Headers, so a caller's header replaces a default whatever its letter case.
  const headers = new Headers({ 'user-agent': userAgent, accept: 'application/json' });
  if (request.json !== undefined) headers.set('content-type', 'application/json');
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
  return Object.fromEntries(headers);
}

function bodyOf(request: HttpRequest): { body?: string } {
  if (request.json !== undefined && request.body !== undefined) {
    throw new TypeError('rollcall HTTP client: a request has either `json` or `body`, not both');
  }
  if (request.json !== undefined) return { body: JSON.stringify(request.json) };
  if (request.body !== undefined) return { body: request.body };
  return {};
}

function toHttpError(
  outcome: Extract<AttemptOutcome, { ok: false }>,
  method: string,
  path: string,
  attempts: number,
  scrub: Scrubber,
): HttpError {
  const code = outcome.cause === undefined ? undefined : errorCode(outcome.cause);
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const what = {
    network: `network error${code === undefined ? '' : ` (${code})`}`,
    timeout: 'no complete response in time',
    status: `HTTP ${outcome.status}${outcome.rateLimited ? ' (rate limited)' : ''}`,
    body: `HTTP ${outcome.status} with a body that is not valid JSON (truncated?)`,
    'too-large': tooLargeText(outcome.cause),
  }[outcome.kind];
  return new HttpError(
    outcome.kind,
    scrub(`${method} ${path}: ${what} after ${tries}`),
    {
      method,
      path,
      attempts,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(code === undefined ? {} : { code }),
      ...(outcome.rateLimited ? { rateLimited: true } : {}),
    },
    outcome.cause === undefined ? undefined : { cause: scrubErrorChain(outcome.cause, scrub) },
  );
}

function tooLargeText(cause: unknown): string {
  if (!(cause instanceof ResponseTooLarge)) return 'the response is too large';
  const cap = `the cap of ${formatBytes(cause.maxBodyBytes)} (the site's http.maxResponseBytes)`;
  return cause.claimedBytes === undefined
    ? `the response body grew past ${cap}; reading stopped there`
    : `the response claims ${formatBytes(cause.claimedBytes)}, more than ${cap}`;
}

function formatBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return mebibytes >= 1 ? `${Number(mebibytes.toFixed(1))} MiB (${bytes} bytes)` : `${bytes} bytes`;
}

/**
 * The parsed body of a final response, with any secret the server echoed back replaced: bodies
 * reach people through every provider's messages and restore details, and raw records reach
 * the store. A 2xx must carry the JSON it promises: a cut-off body is
 * a failed attempt worth another try. An error page (a 4xx, often HTML from a proxy) still tells
 * the caller what it needs through its status, so its body is simply left out.
 */
function readJson(
  response: TransportResponse,
  clean: boolean,
  withoutSecrets: (body: unknown) => unknown,
): AttemptOutcome {
  const { text } = response;
  const answer = (body: unknown): AttemptOutcome => ({
    ok: true,
    response: {
      status: response.status,
      headers: response.headers,
      body,
      ...(clean && body !== undefined ? { text } : {}),
    },
  });
  if (text.length === 0) return answer(undefined);
  try {
    return answer(withoutSecrets(JSON.parse(text)));
  } catch (error) {
    const successful = response.status >= 200 && response.status < 300;
    return successful
      ? { ok: false, kind: 'body', status: response.status, cause: error }
      : answer(undefined);
  }
}
