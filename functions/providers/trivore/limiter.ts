/** Runs tasks with at most `limit` of them started and not yet settled. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * A shared bound across independent callers: the users and groups listings page side by side,
 * each fanning out with mapWithConcurrency, and together they must still stay within the site's
 * `concurrency` requests in flight.
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return {
    async run(task) {
      // A released slot passes straight to the next waiter, so `active` never overshoots.
      if (active < limit) active += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
