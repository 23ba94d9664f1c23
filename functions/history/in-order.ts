/**
 * Reads `items` with at most `limit` reads in flight and hands each result to `consume` in input
 * order, as soon as it and every earlier one are in. At most `limit` results wait unconsumed, so a
 * long history is never held in memory at once. On the first failure (of a read or of `consume`)
 * no new read starts and the returned promise rejects with it.
 */
export async function forEachInOrder<T, R>(
  items: readonly T[],
  limit: number,
  read: (item: T, index: number) => Promise<R>,
  consume: (result: R, item: T, index: number) => void | Promise<void>,
): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  const pending: Promise<R>[] = [];
  let next = 0;
  const start = () => {
    const index = next++;
    const promise = read(items[index] as T, index);
    // Settled later, in order; until then a rejection must not count as unhandled.
    promise.catch(() => undefined);
    pending.push(promise);
  };
  while (pending.length < limit && next < items.length) start();
  for (let index = 0; index < items.length; index++) {
    const result = await (pending.shift() as Promise<R>);
    if (next < items.length) start();
    await consume(result, items[index] as T, index);
  }
}
