import { RollcallError } from '../shared/errors.ts';
import { compareKeys } from '../shared/model.ts';

interface Keyed {
  readonly key: string;
}

/** What to do with each key of a merge walk: only before, only after, or on both sides. */
export interface MergeVisitor<T> {
  onlyBefore(item: T): void;
  onlyAfter(item: T): void;
  both(before: T, after: T): void;
}

/** Names the lists in an error, e.g. `{ records: 'users', beforeRun: '…', afterRun: '…' }`. */
export interface MergeSubject {
  readonly records: string;
  readonly beforeRun: string;
  readonly afterRun: string;
}

/**
 * Walks two key-sorted lists once, in step (O(n + m), no index built). The walk is only correct
 * on sorted, duplicate-free input: an unsorted list would silently turn unchanged records into
 * "removed" and "added" ones — and could raise a false mass-change alarm — so it is refused.
 */
export function mergeByKey<T extends Keyed>(
  before: readonly T[],
  after: readonly T[],
  subject: MergeSubject,
  visit: MergeVisitor<T>,
): void {
  assertSortedByKey(before, subject.records, subject.beforeRun);
  assertSortedByKey(after, subject.records, subject.afterRun);
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    const left = before[i] as T;
    const right = after[j] as T;
    const order = compareKeys(left.key, right.key);
    if (order < 0) {
      visit.onlyBefore(left);
      i++;
    } else if (order > 0) {
      visit.onlyAfter(right);
      j++;
    } else {
      visit.both(left, right);
      i++;
      j++;
    }
  }
  for (; i < before.length; i++) visit.onlyBefore(before[i] as T);
  for (; j < after.length; j++) visit.onlyAfter(after[j] as T);
}

function assertSortedByKey(items: readonly Keyed[], records: string, runId: string): void {
  for (let i = 1; i < items.length; i++) {
    const problem = orderProblem((items[i - 1] as Keyed).key, (items[i] as Keyed).key, records, runId, i);
    if (problem !== undefined) throw problem;
  }
}

/**
 * The error for a key that does not come strictly after the one before it, or undefined when it
 * does. Shared by the in-memory merge (groups) and the streamed walk (users).
 */
export function orderProblem(
  previous: string,
  current: string,
  records: string,
  runId: string,
  position: number,
): RollcallError | undefined {
  const order = compareKeys(previous, current);
  if (order < 0) return undefined;
  const problem =
    order === 0
      ? `key ${JSON.stringify(current)} appears twice`
      : `key ${JSON.stringify(current)} comes after ${JSON.stringify(previous)}`;
  return new RollcallError(
    `Cannot diff the ${records} of run ${runId}: they must be sorted by key without duplicates, but ${problem} (position ${position}).`,
  );
}
