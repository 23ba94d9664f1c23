import type { HistoryReads } from './model.ts';

/** Counted as files are read, reported as `HistoryReads`. */
export interface ReadCounts {
  manifests: number;
  usersFiles: number;
  groupsFiles: number;
  groupsFilesForNames: number;
}

export function newReadCounts(): ReadCounts {
  return { manifests: 0, usersFiles: 0, groupsFiles: 0, groupsFilesForNames: 0 };
}

export function readsOf(counts: ReadCounts): HistoryReads {
  return { ...counts };
}

/**
 * Notes for people: runs in which more than one record matched (one note per set of keys, with
 * the first run and how many runs), then anything else worth knowing, in the order it was noted.
 */
export class MatchNotes {
  private readonly ambiguous = new Map<string, { first: string; runs: number; keys: readonly string[] }>();
  private readonly other: string[] = [];

  constructor(private readonly records: 'users' | 'groups') {}

  /** `keys`: every matching record of the run, the one the history follows first. */
  add(runId: string, query: string, keys: readonly string[]): void {
    const signature = JSON.stringify([query, keys]);
    const seen = this.ambiguous.get(signature);
    if (seen) seen.runs++;
    else this.ambiguous.set(signature, { first: runId, runs: 1, keys });
  }

  note(text: string): void {
    this.other.push(text);
  }

  list(): string[] {
    const ambiguous = [...this.ambiguous.values()].map(({ first, runs, keys }) => {
      const where = runs === 1 ? `in run ${first}` : `in ${runs} runs from ${first}`;
      return `${keys.length} ${this.records} match ${where} (keys ${keys.join(', ')}); the history follows ${keys[0]}`;
    });
    return [...ambiguous, ...this.other];
  }
}
