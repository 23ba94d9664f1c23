/** The most rows each list of changes shows in report.html; changes.csv and diff.json have them all. */
export const REPORT_CHANGES_CAP = 1_000;

/** A list as the page shows it: its first rows (in key order) and how many there are in all. */
export interface Capped<T> {
  readonly total: number;
  readonly first: readonly T[];
}

/** Collects the first `cap` items of a stream and counts the rest. */
export class CappedList<T> implements Capped<T> {
  total = 0;
  readonly first: T[] = [];

  constructor(private readonly cap = REPORT_CHANGES_CAP) {}

  add(item: T): void {
    this.total++;
    if (this.first.length < this.cap) this.first.push(item);
  }
}

export function cappedOf<T>(items: Iterable<T>, cap = REPORT_CHANGES_CAP): Capped<T> {
  const list = new CappedList<T>(cap);
  for (const item of items) list.add(item);
  return list;
}
