import { compareKeys } from '../shared/model.ts';
import { orderProblem } from './sorted-merge.ts';

interface Keyed {
  readonly key: string;
}

/** One side of a walk: a stream sorted by key, and what to call it in an error. */
export interface WalkSide<T extends Keyed> {
  readonly records: AsyncIterable<T> | Iterable<T>;
  /** `users`, `groups`… */
  readonly what: string;
  readonly runId: string;
}

/**
 * Walks key-sorted streams in step, one key at a time: each step holds the record of that key on
 * every side that has it (undefined elsewhere), so memory is one record per side whatever the
 * snapshot's size. Out-of-order or duplicate keys are refused as they are met: a merge over them
 * would silently turn unchanged users into "removed" and "added" ones.
 */
export async function* walkByKey<T extends Keyed>(
  sides: readonly WalkSide<T>[],
): AsyncGenerator<readonly (T | undefined)[]> {
  const cursors = sides.map((side) => new Cursor(side));
  try {
    yield* steps(cursors);
  } finally {
    // However the walk ends (done, failed, or its reader stopped), no side is left open.
    await Promise.allSettled(cursors.map((cursor) => cursor.close()));
  }
}

async function* steps<T extends Keyed>(
  cursors: readonly Cursor<T>[],
): AsyncGenerator<readonly (T | undefined)[]> {
  for (const cursor of cursors) await cursor.advance();
  for (;;) {
    let next: string | undefined;
    for (const cursor of cursors) {
      const key = cursor.current?.key;
      if (key !== undefined && (next === undefined || compareKeys(key, next) < 0)) next = key;
    }
    if (next === undefined) return;
    const step = cursors.map((cursor) => (cursor.current?.key === next ? cursor.current : undefined));
    yield step;
    for (const cursor of cursors) if (cursor.current?.key === next) await cursor.advance();
  }
}

class Cursor<T extends Keyed> {
  current: T | undefined;
  private readonly iterator: AsyncIterator<T> | Iterator<T>;
  private position = -1;

  constructor(private readonly side: WalkSide<T>) {
    const records = side.records;
    this.iterator =
      Symbol.asyncIterator in records
        ? (records as AsyncIterable<T>)[Symbol.asyncIterator]()
        : (records as Iterable<T>)[Symbol.iterator]();
  }

  async advance(): Promise<void> {
    const previous = this.current;
    const next = await this.iterator.next();
    this.current = next.done === true ? undefined : next.value;
    this.position++;
    if (previous === undefined || this.current === undefined) return;
    const problem = orderProblem(
      previous.key,
      this.current.key,
      this.side.what,
      this.side.runId,
      this.position,
    );
    if (problem !== undefined) throw problem;
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}
