import { compareKeys } from './data.ts';

/**
 * Records kept in key order so a cursor is one binary search and a page is one slice:
 * paging 50,000 users must cost next to nothing per request.
 */
export class SortedTable<T> {
  private entries: { key: string; record: T }[];

  constructor(
    private readonly keyOf: (record: T) => string,
    records: readonly T[],
    what: string,
  ) {
    this.entries = records.map((record) => ({ key: keyOf(record), record }));
    this.entries.sort((a, b) => compareKeys(a.key, b.key));
    for (let i = 1; i < this.entries.length; i++) {
      if (this.entries[i - 1]?.key === this.entries[i]?.key) {
        throw new Error(`duplicate ${what}: ${this.entries[i]?.key}`);
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Index of the first record whose key is >= key. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as { key: string }).key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: string): T | undefined {
    const entry = this.entries[this.lowerBound(key)];
    return entry?.key === key ? entry.record : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  at(index: number): T | undefined {
    return this.entries[index]?.record;
  }

  slice(start: number, end: number): T[] {
    return this.entries.slice(start, end).map((e) => e.record);
  }

  all(): T[] {
    return this.entries.map((e) => e.record);
  }

  /** Returns false when a record with the same key exists. */
  insert(record: T): boolean {
    const key = this.keyOf(record);
    const index = this.lowerBound(key);
    if (this.entries[index]?.key === key) return false;
    this.entries.splice(index, 0, { key, record });
    return true;
  }

  remove(key: string): T | undefined {
    const index = this.lowerBound(key);
    const entry = this.entries[index];
    if (entry?.key !== key) return undefined;
    this.entries.splice(index, 1);
    return entry.record;
  }

  removeAt(index: number): T | undefined {
    return this.entries.splice(index, 1)[0]?.record;
  }
}
