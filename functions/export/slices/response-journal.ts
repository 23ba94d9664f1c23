import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { HttpClient, HttpRequest, HttpResponse } from '../../shared/http/client.ts';
import { HttpError, type HttpErrorKind } from '../../shared/http/errors.ts';
import { countingTraffic, currentTraffic, type Traffic } from '../../shared/http/traffic.ts';

/**
 * One response an export read, as a slice keeps it: which request it answered (a hash, so no
 * URL's query reaches the store), and what the client made of it — the parsed, already scrubbed
 * body, the headers, the retries and rate-limit waits it cost, or the error it ended in.
 */
export interface JournalEntry {
  readonly request: string;
  readonly response?: {
    readonly status: number;
    readonly headers: readonly (readonly [string, string])[];
    /** The body as it arrived (JSON text), or, when it had to be scrubbed, the parsed body. */
    readonly text?: string;
    readonly body?: unknown;
    readonly retries: number;
  };
  readonly error?: {
    readonly kind: HttpErrorKind;
    readonly message: string;
    readonly method: string;
    readonly path: string;
    readonly attempts: number;
    readonly status?: number;
    readonly code?: string;
    readonly rateLimited?: boolean;
  };
  readonly traffic: Traffic;
}

/** Where a replayed response's line lies in the local copy of the parts. */
interface Located {
  readonly offset: number;
  readonly length: number;
}

/**
 * The responses earlier slices read, indexed by request, in a local file: a request asked again
 * is answered from here, once per time it was asked before (first asked, first answered).
 */
export class ReplayIndex {
  private readonly byRequest = new Map<string, Located[]>();
  private size = 0;
  entries = 0;

  constructor(private readonly file: FileHandle) {}

  /**
   * Appends one part's lines (already checked against its hash). Without `errors`, answers that
   * were failures (no response, 429, 5xx) are left out: their requests are sent again.
   */
  async append(lines: readonly string[], options: { readonly errors: boolean }): Promise<void> {
    // One write a part, not one a line: a resumed slice loads every answer read so far.
    const kept: Buffer[] = [];
    let offset = this.size;
    for (const line of lines) {
      if (line === '') continue;
      if (!options.errors && failedAnswer(JSON.parse(line) as JournalEntry)) continue;
      const bytes = Buffer.from(`${line}\n`, 'utf8');
      const request = requestOf(line);
      const queue = this.byRequest.get(request) ?? [];
      queue.push({ offset, length: bytes.length - 1 });
      this.byRequest.set(request, queue);
      kept.push(bytes);
      offset += bytes.length;
      this.entries += 1;
    }
    const batch = Buffer.concat(kept);
    await this.file.write(batch, 0, batch.length, this.size);
    this.size = offset;
  }

  async take(request: string): Promise<JournalEntry | undefined> {
    const located = this.byRequest.get(request)?.shift();
    if (located === undefined) return undefined;
    const buffer = Buffer.alloc(located.length);
    await this.file.read(buffer, 0, located.length, located.offset);
    return JSON.parse(buffer.toString('utf8')) as JournalEntry;
  }
}

/**
 * The request an entry's line answers. Lines are written by `keep` with `request` first, so it is
 * read off the line's start instead of parsing the whole answer a second time.
 */
function requestOf(line: string): string {
  const start = '{"request":"';
  const end = line.indexOf('"', start.length);
  return line.startsWith(start) && end > 0
    ? line.slice(start.length, end)
    : (JSON.parse(line) as JournalEntry).request;
}

/** No response at all, or one that says "try later": an answer a retry may not get again. */
function failedAnswer(entry: JournalEntry): boolean {
  const status = entry.response?.status;
  return entry.error !== undefined || status === 429 || (status !== undefined && status >= 500);
}

/** Thrown at a page boundary once the slice's budget is spent: the slice ends there. */
export class SliceBudgetSpent extends Error {
  override readonly name = 'SliceBudgetSpent';
  constructor() {
    super("this slice's time budget is spent; the export continues in the next slice");
  }
}

export interface JournalOptions {
  readonly replay?: ReplayIndex;
  readonly remainingMs?: () => number;
  /**
   * Called with each new entry's line (and whether it is a failed answer: none, 429 or 5xx), in
   * the order responses arrived. A promise it returns is
   * awaited before the response goes on to the connector: recording pushes back on reading.
   */
  readonly record: (line: string, failed: boolean) => undefined | Promise<void>;
  /** Called once, when the first request goes to the site: what came before was replay. */
  readonly onFirstSent?: () => void;
}

/**
 * An HTTP client that answers what earlier slices already read from their parts and sends only
 * the rest, recording each response it gets. A connector run again from the start therefore
 * rebuilds every piece of its state — cursors, offsets, loop guards, counts, sorts — exactly as
 * before, without one request to the source, and goes on from where the last slice stopped. Only
 * reads (GET) are kept; anything else (a token exchange) is sent every time.
 */
export class ResponseJournal {
  private spent = false;
  private sent = 0;
  /** Requests answered from the parts. */
  replayed = 0;

  constructor(private readonly options: JournalOptions) {}

  /** True once a request was refused because the budget was spent: the slice must end. */
  get budgetSpent(): boolean {
    return this.spent;
  }

  wrap(inner: HttpClient): HttpClient {
    return { send: (request) => this.send(inner, request) };
  }

  private async send(inner: HttpClient, request: HttpRequest): Promise<HttpResponse> {
    if ((request.method ?? 'GET') !== 'GET') return inner.send(request);
    const key = requestKey(request);
    const replayed = await this.options.replay?.take(key);
    if (replayed !== undefined) {
      this.replayed += 1;
      return answer(replayed);
    }
    if (this.sent === 0) this.options.onFirstSent?.();
    // At least one request a slice, however small its budget: every slice moves the export on.
    const spent = this.sent > 0 && this.options.remainingMs !== undefined && this.options.remainingMs() <= 0;
    if (this.spent || spent) {
      this.spent = true;
      throw new SliceBudgetSpent();
    }
    this.sent += 1;
    const traffic = emptyTraffic();
    try {
      const response = await countingTraffic(traffic, () => inner.send(request));
      await this.keep({
        request: key,
        response: {
          status: response.status,
          headers: [...response.headers.entries()].filter(([name]) => !PRIVATE_HEADERS.has(name)),
          ...(response.text === undefined ? { body: response.body } : { text: response.text }),
          retries: response.retries,
        },
        traffic,
      });
      return response;
    } catch (error) {
      if (error instanceof HttpError) {
        await this.keep({
          request: key,
          error: {
            kind: error.kind,
            message: error.message,
            method: error.method,
            path: error.path,
            attempts: error.attempts,
            ...(error.status === undefined ? {} : { status: error.status }),
            ...(error.code === undefined ? {} : { code: error.code }),
            ...(error.rateLimited ? { rateLimited: true } : {}),
          },
          traffic,
        });
      } else {
        addTraffic(traffic);
      }
      throw error;
    }
  }

  private async keep(entry: JournalEntry): Promise<void> {
    addTraffic(entry.traffic);
    await this.options.record(JSON.stringify(entry), failedAnswer(entry));
  }
}

/** Headers that may carry a session; no connector reads them from a listing's response. */
const PRIVATE_HEADERS = new Set(['set-cookie', 'authorization', 'www-authenticate']);

function requestKey(request: HttpRequest): string {
  const body = request.json === undefined ? (request.body ?? '') : JSON.stringify(request.json);
  return createHash('sha256')
    .update(`GET ${new URL(request.url).href}\n${body}`)
    .digest('base64url');
}

function answer(entry: JournalEntry): HttpResponse {
  addTraffic(entry.traffic);
  if (entry.response !== undefined) {
    const { status, headers, text, body, retries } = entry.response;
    return {
      status,
      headers: new Headers(headers.map(([name, value]) => [name, value])),
      body: text === undefined ? body : JSON.parse(text),
      retries,
    };
  }
  const error = entry.error as NonNullable<JournalEntry['error']>;
  const { kind, message, ...details } = error;
  throw new HttpError(kind, message, details);
}

function emptyTraffic(): Traffic {
  return { rateLimitWaits: 0, slowestRequestMs: 0, invalidUtf8Records: 0, duplicateKeyRecords: 0 };
}

/** Into the listing being counted, if any. */
function addTraffic(traffic: Traffic): void {
  const current = currentTraffic();
  if (current === undefined) return;
  current.rateLimitWaits += traffic.rateLimitWaits;
  current.slowestRequestMs = Math.max(current.slowestRequestMs, traffic.slowestRequestMs);
  current.invalidUtf8Records += traffic.invalidUtf8Records;
  current.duplicateKeyRecords += traffic.duplicateKeyRecords;
}
