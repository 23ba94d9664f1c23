import { mapWithConcurrency } from '../../shared/concurrency.ts';
import { SiteError } from '../../shared/errors.ts';
import { retriesSpent } from '../shared/retries.ts';

/** One validated page of an offset listing. */
export interface OffsetPage<T> {
  /** The `startIndex` the request asked for. */
  readonly start: number;
  /** The `startIndex` the body says it answers, when it says. */
  readonly echoedStart: number | undefined;
  readonly total: number;
  readonly records: readonly T[];
  readonly retries: number;
}

export interface PassOptions<T> {
  /** `count` to ask for; the server may serve fewer a page. */
  readonly pageSize: number;
  readonly concurrency: number;
  keyOf(record: T): string;
  /** Fetches and validates one page; throws a SiteError. */
  fetchPage(start: number): Promise<OffsetPage<T>>;
  onPage?(received: number, total: number): void;
  readonly signal?: AbortSignal;
}

/** Requests and retries spent, across passes. */
export interface Tally {
  pages: number;
  retries: number;
}

export type PassOutcome<T> =
  | {
      readonly kind: 'consistent';
      readonly records: T[];
      readonly total: number;
      readonly duplicates: number;
    }
  | {
      readonly kind: 'inconsistent' | 'failed';
      readonly records: T[];
      readonly total: number | null;
      readonly duplicates: number;
      readonly problem: string;
    };

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The offsets after the first page. Each page starts on the last record of the page before
 * (one record of overlap), so every boundary proves that nothing moved across it between the two
 * requests: a record removed or added before an offset shifts the page, and the shared record no
 * longer matches. Without overlap a removal and an addition could cancel out in the count while
 * a record that existed all along was skipped.
 */
export function offsetsAfterFirst(total: number, perPage: number): number[] {
  if (total <= perPage || perPage < 1) return [];
  const step = perPage > 1 ? perPage - 1 : 1;
  const offsets: number[] = [];
  for (let start = step; ; start += step) {
    offsets.push(start);
    if (start + perPage >= total) return offsets;
  }
}

/** Keeps the first record of each key, in page order, and counts the rest. */
function dedupe<T>(pages: readonly OffsetPage<T>[], keyOf: (record: T) => string) {
  const byKey = new Map<string, T>();
  let duplicates = 0;
  for (const page of pages) {
    for (const record of page.records) {
      const key = keyOf(record);
      if (byKey.has(key)) duplicates += 1;
      else byKey.set(key, record);
    }
  }
  return { records: [...byKey.values()], duplicates };
}

/** Every way the pages of one pass fail to describe one listing; empty when they add up. */
export function passProblems<T>(
  pages: readonly OffsetPage<T>[],
  perPage: number,
  keyOf: (record: T) => string,
  uniqueRecords: number,
): string[] {
  const first = pages[0];
  if (first === undefined) return ['no page was read'];
  const total = first.total;
  const overlap = perPage > 1;
  const problems: string[] = [];
  const bySignature = new Map<string, number>();
  let previous: OffsetPage<T> | undefined;
  for (const page of pages) {
    const keys = page.records.map(keyOf);
    const signature = keys.join('\n');
    const sameAs = bySignature.get(signature);
    if (keys.length > 0 && sameAs !== undefined) {
      problems.unshift(
        `the API served the same records for startIndex ${sameAs} and ${page.start} (a stuck offset: it ignores startIndex)`,
      );
    } else bySignature.set(signature, page.start);
    if (page.echoedStart !== undefined && page.echoedStart !== page.start) {
      problems.push(`the page asked for at startIndex ${page.start} says it starts at ${page.echoedStart}`);
    }
    if (page.total !== total) {
      problems.push(`totalResults changed from ${count(total)} to ${count(page.total)} during the listing`);
    }
    const expected = Math.max(0, Math.min(perPage, total - page.start));
    if (page.records.length !== expected) {
      problems.push(
        `the page at startIndex ${page.start} held ${page.records.length} records where ${expected} were due`,
      );
    }
    if (overlap && previous !== undefined && previous.records.length > 0 && keys.length > 0) {
      const last = keyOf(previous.records[previous.records.length - 1] as T);
      if (keys[0] !== last) {
        problems.push(
          `records moved between the pages at startIndex ${previous.start} and ${page.start} (the page boundary no longer matched)`,
        );
      }
    }
    previous = page;
  }
  if (uniqueRecords !== total) {
    problems.push(
      `${count(uniqueRecords)} unique records were collected where the API reported ${count(total)}`,
    );
  }
  return [...new Set(problems)];
}

/**
 * One read of the whole listing: the first page says the total and the page size the server
 * really serves, then every other offset is requested in parallel, `concurrency` at a time.
 * A failure on the first page of the first pass throws (nothing was read: the site is unusable);
 * any other failure ends the pass as `failed`, keeping what was read, except a rejected client,
 * which throws wherever it happens.
 */
export async function readPass<T>(
  options: PassOptions<T>,
  tally: Tally,
  firstPass: boolean,
): Promise<PassOutcome<T>> {
  const failed = (error: unknown, pages: readonly OffsetPage<T>[]): PassOutcome<T> => {
    if (!(error instanceof SiteError) || error.kind === 'auth' || (firstPass && pages.length === 0))
      throw error;
    tally.retries += retriesSpent(error);
    const { records, duplicates } = dedupe(pages, options.keyOf);
    return { kind: 'failed', records, total: pages[0]?.total ?? null, duplicates, problem: error.message };
  };

  let first: OffsetPage<T>;
  try {
    first = await options.fetchPage(0);
  } catch (error) {
    return failed(error, []);
  }
  tally.pages += 1;
  tally.retries += first.retries;
  let received = first.records.length;
  options.onPage?.(Math.min(received, first.total), first.total);
  const perPage = first.records.length;
  if (perPage === 0 && first.total > 0) {
    return {
      kind: 'inconsistent',
      records: [],
      total: first.total,
      duplicates: 0,
      problem: `the first page was empty while totalResults is ${count(first.total)}`,
    };
  }

  let stopped: { error: unknown } | undefined;
  let emptied = false;
  const rest = await mapWithConcurrency(
    offsetsAfterFirst(first.total, perPage),
    options.concurrency,
    async (start): Promise<OffsetPage<T> | undefined> => {
      options.signal?.throwIfAborted();
      if (stopped !== undefined || emptied) return undefined;
      try {
        const page = await options.fetchPage(start);
        // An empty page where records were due: the total is not to be trusted, and requesting
        // every offset it claims could mean thousands of pointless requests.
        if (page.records.length === 0) emptied = true;
        tally.pages += 1;
        tally.retries += page.retries;
        received += page.records.length;
        options.onPage?.(Math.min(received, first.total), first.total);
        return page;
      } catch (error) {
        if (error instanceof SiteError && error.kind !== 'auth') stopped ??= { error };
        else throw error;
        return undefined;
      }
    },
  );
  const pages = [first, ...rest.filter((page): page is OffsetPage<T> => page !== undefined)];
  if (stopped !== undefined) return failed(stopped.error, pages);

  const { records, duplicates } = dedupe(pages, options.keyOf);
  const problems = passProblems(pages, perPage, options.keyOf, records.length);
  if (problems.length === 0) return { kind: 'consistent', records, total: first.total, duplicates };
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return { kind: 'inconsistent', records, total: first.total, duplicates, problem: `${problems[0]}${more}` };
}
