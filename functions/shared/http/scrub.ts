const redacted = '[redacted]';

/** Replaces every secret, raw or URL-encoded, with a marker. */
export type Scrubber = (text: string) => string;

export function createScrubber(secrets: readonly string[]): Scrubber {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    needles.add(secret);
    needles.add(encodeURIComponent(secret));
    // URLSearchParams encodes a space as `+`; a secret could reach a URL that way too.
    needles.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  // Longest first, so `site:key` is redacted whole before `key` alone is.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const needle of ordered) if (result.includes(needle)) result = result.split(needle).join(redacted);
    return result;
  };
}

/**
 * Whether a response body's text may hold a secret, in any spelling JSON allows: raw, URL-encoded,
 * with its characters escaped the way JSON encoders do (`\"`, `\/`), or behind `\u` escapes that
 * only parsing can undo (then the parsed body is checked). A cheap substring test per secret,
 * so bodies without one — nearly all — are not walked.
 */
export function createSecretDetector(secrets: readonly string[]): (text: string) => boolean {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const form of [secret, encodeURIComponent(secret)]) {
      needles.add(form);
      const escaped = JSON.stringify(form).slice(1, -1);
      needles.add(escaped);
      needles.add(escaped.replaceAll('/', '\\/'));
    }
  }
  if (needles.size === 0) return () => false;
  const ordered = [...needles];
  return (text) => text.includes('\\u') || ordered.some((needle) => text.includes(needle));
}

/** A copy of a parsed JSON value with every string (values and keys) scrubbed. */
export function scrubJson(value: unknown, scrub: Scrubber): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, scrub));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [scrub(key), scrubJson(item, scrub)]),
    );
  }
  return value;
}

/**
 * A copy of an error chain with every message scrubbed. Errors from the network stack can quote
 * URLs or bodies; rebuilding them keeps name, message and code and drops everything else
 * (e.g. undici attaches request objects), so printing the chain cannot leak a secret.
 */
export function scrubErrorChain(error: unknown, scrub: Scrubber, depth = 0): Error {
  if (!(error instanceof Error)) return new Error(scrub(String(error)));
  const copy = new Error(scrub(error.message));
  copy.name = error.name;
  const code = errorCode(error);
  if (code !== undefined) Object.defineProperty(copy, 'code', { value: code, enumerable: true });
  if (error.cause !== undefined && depth < 5) copy.cause = scrubErrorChain(error.cause, scrub, depth + 1);
  return copy;
}

/** The first system error code (`ECONNRESET`, `UND_ERR_SOCKET`…) found along a cause chain. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}
