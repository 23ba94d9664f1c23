import { compareKeys } from '../../shared/model.ts';

/** A key of either of two sorted streams, with the item of each stream that holds it. */
export interface AlignedKey<L, R> {
  readonly key: string;
  readonly left: L | undefined;
  readonly right: R | undefined;
}

/**
 * Walks two streams, each ascending by key (`compareKeys`) with every key once, side by side:
 * every key once, with the items that hold it. Holds one item of each stream at a time.
 */
export async function* alignSorted<L, R>(
  left: AsyncIterable<L>,
  right: AsyncIterable<R>,
  leftKey: (item: L) => string,
  rightKey: (item: R) => string,
): AsyncGenerator<AlignedKey<L, R>> {
  const lefts = left[Symbol.asyncIterator]();
  const rights = right[Symbol.asyncIterator]();
  let a = await lefts.next();
  let b = await rights.next();
  for (;;) {
    if (a.done && b.done) return;
    const order = a.done ? 1 : b.done ? -1 : compareKeys(leftKey(a.value), rightKey(b.value));
    if (!a.done && order <= 0) {
      const both = order === 0 && !b.done;
      yield { key: leftKey(a.value), left: a.value, right: both ? b.value : undefined };
      a = await lefts.next();
      if (both) b = await rights.next();
    } else if (!b.done) {
      yield { key: rightKey(b.value), left: undefined, right: b.value };
      b = await rights.next();
    }
  }
}
