import { compareKeys } from '../shared/model.ts';
import { orderProblem } from './sorted-merge.ts';

interface Keyed {
  readonly key: string;
}

/** One side of a walk: a stream of key-sorted batches, and what to call it in an error. */
export interface WalkSide<T extends Keyed> {
  /** Records in key order, in arrays of any size (one per decompressed chunk, say). */
  readonly batches: AsyncIterable<readonly T[]> | Iterable<readonly T[]>;
  /** `users`, `groups`… */
  readonly what: string;
  readonly runId: string;
}

/**
 * Receives each key of a walk: the record of that key on every side that has it (undefined
 * elsewhere), in the order of the sides. The array is reused for the next key: read it, keep none of it.
 */
export type WalkVisitor<T> = (step: readonly (T | undefined)[]) => void;

/**
 * Walks key-sorted streams in step, one key at a time, so memory is one batch per side whatever
 * the snapshot's size. Within a batch the walk runs without awaiting: a promise per record per
 * side cost more than the audit itself. Out-of-order or duplicate keys are refused as they are
 * met: a merge over them would silently turn unchanged users into "removed" and "added" ones.
 */
export async function walkByKey<T extends Keyed>(
  sides: readonly WalkSide<T>[],
  visit: WalkVisitor<T>,
): Promise<void> {
  const cursors = sides.map((side) => new Cursor(side));
  try {
    await steps(cursors, visit);
  } finally {
    // However the walk ends (done, failed, or its visitor threw), no side is left open.
    await Promise.allSettled(cursors.map((cursor) => cursor.close()));
  }
}

async function steps<T extends Keyed>(cursors: readonly Cursor<T>[], visit: WalkVisitor<T>): Promise<void> {
  for (const cursor of cursors) await cursor.refill();
  const step: (T | undefined)[] = cursors.map(() => undefined);
  for (;;) {
    let next: string | undefined;
    for (const cursor of cursors) {
      const key = cursor.current?.key;
      if (key !== undefined && (next === undefined || compareKeys(key, next) < 0)) next = key;
    }
    if (next === undefined) return;
    for (let i = 0; i < cursors.length; i++) {
      const current = (cursors[i] as Cursor<T>).current;
      step[i] = current?.key === next ? current : undefined;
    }
    visit(step);
    for (let i = 0; i < cursors.length; i++) {
      const cursor = cursors[i] as Cursor<T>;
      if (step[i] !== undefined && !cursor.advance()) await cursor.refill();
    }
  }
}

class Cursor<T extends Keyed> {
  current: T | undefined;
  private batch: readonly T[] = [];
  private index = 0;
  private position = -1;
  private readonly iterator: AsyncIterator<readonly T[]> | Iterator<readonly T[]>;

  constructor(private readonly side: WalkSide<T>) {
    const batches = side.batches;
    this.iterator =
      Symbol.asyncIterator in batches
        ? (batches as AsyncIterable<readonly T[]>)[Symbol.asyncIterator]()
        : (batches as Iterable<readonly T[]>)[Symbol.iterator]();
  }

  /** Moves to the next record of the batch; false when the batch is used up (then `refill`). */
  advance(): boolean {
    if (this.index + 1 >= this.batch.length) return false;
    this.index++;
    this.moveTo(this.batch[this.index] as T);
    return true;
  }

  /** Moves to the first record of the next non-empty batch, or past the end. */
  async refill(): Promise<void> {
    for (;;) {
      const next = await this.iterator.next();
      if (next.done === true) {
        this.current = undefined;
        return;
      }
      if (next.value.length === 0) continue;
      this.batch = next.value;
      this.index = 0;
      this.moveTo(next.value[0] as T);
      return;
    }
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }

  private moveTo(record: T): void {
    const previous = this.current;
    this.current = record;
    this.position++;
    if (previous === undefined) return;
    const problem = orderProblem(previous.key, record.key, this.side.what, this.side.runId, this.position);
    if (problem !== undefined) throw problem;
  }
}
