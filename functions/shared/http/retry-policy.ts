/** 429 and every 5xx are worth another try; everything else is the caller's answer. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * Exponential backoff with full jitter: a random delay between 0 and
 * min(maxDelayMs, baseDelayMs × 2^(retry-1)), so clients that failed together do not retry together.
 */
export function backoffDelayMs(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return random() * ceiling;
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds, capped; `undefined` when the header
 * is absent or unreadable. Accepts delta-seconds and HTTP dates.
 */
export function retryAfterDelayMs(header: string | null, nowMs: number, capMs: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  let delay: number;
  if (/^\d+(\.\d+)?$/.test(value)) {
    delay = Number(value) * 1000;
  } else {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return undefined;
    delay = date - nowMs;
  }
  return Math.min(capMs, Math.max(0, delay));
}
