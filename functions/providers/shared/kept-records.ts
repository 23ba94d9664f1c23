import type { UsersSummary } from '../port.ts';

/** How many records a listing kept after dropping duplicates, and how many of those differed. */
export interface KeptCounts {
  readonly uniqueRecords: number;
  readonly duplicatesDropped: number;
  /** Dropped duplicates that were not the same record as the one kept. */
  readonly differingDuplicates: number;
  readonly firstDifferingKey?: string;
}

/**
 * The in-memory sink of a small listing (groups, roles, feeds, dashboards: they scale with groups,
 * not users): one record per key, the later arrival winning, as the users' sink does.
 */
export class KeptRecords<T> {
  private readonly byKey = new Map<string, T>();
  private duplicatesDropped = 0;
  private differingDuplicates = 0;
  private firstDifferingKey: string | undefined;

  constructor(
    private readonly keyOf: (record: T) => string,
    private readonly sameRecord?: (kept: T, other: T) => boolean,
  ) {}

  async add(batch: readonly T[]): Promise<void> {
    for (const record of batch) {
      const key = this.keyOf(record);
      const earlier = this.byKey.get(key);
      if (earlier !== undefined) {
        this.duplicatesDropped += 1;
        if (this.sameRecord && !this.sameRecord(record, earlier)) {
          this.differingDuplicates += 1;
          this.firstDifferingKey ??= key;
        }
      }
      this.byKey.set(key, record);
    }
  }

  /** Forgets every record: the listing is read again from the start. */
  async restart(): Promise<void> {
    this.byKey.clear();
    this.duplicatesDropped = 0;
    this.differingDuplicates = 0;
    this.firstDifferingKey = undefined;
  }

  /** The records, in the order their keys were first seen. */
  records(): T[] {
    return [...this.byKey.values()];
  }

  counts(): KeptCounts {
    return {
      uniqueRecords: this.byKey.size,
      duplicatesDropped: this.duplicatesDropped,
      differingDuplicates: this.differingDuplicates,
      ...(this.firstDifferingKey === undefined ? {} : { firstDifferingKey: this.firstDifferingKey }),
    };
  }
}

/** What the users' sink said it kept, in the terms of a listing's report. */
export function keptUsers(summary: UsersSummary): KeptCounts {
  return {
    uniqueRecords: summary.uniqueUsers,
    duplicatesDropped: summary.duplicatesDropped,
    differingDuplicates: summary.differingDuplicates,
    ...(summary.firstDifferingKey === undefined ? {} : { firstDifferingKey: summary.firstDifferingKey }),
  };
}
