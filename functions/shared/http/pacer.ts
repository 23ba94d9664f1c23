/**
 * Spaces requests at most `requestsPerSecond` apart, across every caller of one client. Each call
 * reserves the next free slot synchronously, so concurrent callers never share a slot.
 */
export interface Pacer {
  wait(): Promise<void>;
}

export function createPacer(
  requestsPerSecond: number,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): Pacer {
  if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be a positive number');
  const intervalMs = 1000 / requestsPerSecond;
  let nextSlotMs = Number.NEGATIVE_INFINITY;
  return {
    async wait() {
      const current = now();
      const slot = Math.max(current, nextSlotMs);
      nextSlotMs = slot + intervalMs;
      if (slot > current) await sleep(slot - current);
    },
  };
}
