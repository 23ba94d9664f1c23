import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';

/** What a route answers; the server serialises it, so faults can delay or cut any reply. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  headers ? { status, body, headers } : { status, body };

export const message = (status: number, text: string, headers?: Record<string, string>): Reply =>
  reply(status, { message: text }, headers);

function decodeForm(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * Decodes a query string the way Rack does for a Rails app: `+` is a space, so an e-mail cursor
 * pasted into a URL unencoded (`a+b@x.com`) arrives as `a b@x.com`. The last value of a repeated
 * key wins. Undefined when the percent-encoding is malformed (the server answers 400).
 */
export function parseRailsQuery(raw: string): Record<string, string> | undefined {
  const entries: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeForm(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeForm(part.slice(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    entries.push([key, value]);
  }
  // fromEntries defines own properties, so a `__proto__` key cannot touch the prototype.
  return Object.fromEntries(entries);
}

/**
 * Path segments after splitting on `/` and only then percent-decoding, so an encoded `/`
 * (`%2F`) stays inside a group name. `+` is literal in a path. Undefined when malformed.
 */
export function pathSegments(rawPath: string): string[] | undefined {
  const parts = rawPath.split('/').slice(1);
  // Rails ignores one trailing slash (the vendor documents POST /api/v1/groups/).
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
}

const BODY_LIMIT = 1024 * 1024;

/** The whole request body as text; always drained so keep-alive connections stay usable. */
export async function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= BODY_LIMIT) chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > BODY_LIMIT };
}

/** A JSON object body, {} when empty, or undefined when it is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves at `deadline` (performance.now() time) without blocking the event loop. A plain
 * setTimeout overshoots by about half a millisecond; over 500 pages that alone would eat a
 * benchmark's margin, so the last millisecond is waited out with setImmediate.
 */
export function waitUntil(deadline: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const spin = (): void => {
      if (performance.now() >= deadline) resolve();
      else setImmediate(spin);
    };
    const remaining = deadline - performance.now();
    if (remaining <= 0) return resolve();
    if (remaining <= 1) return spin();
    const timer = setTimeout(() => {
      timers.delete(timer);
      spin();
    }, remaining - 1);
    timers.add(timer);
  });
}
