import { mapWithConcurrency } from '../../shared/concurrency.ts';
import { SiteError } from '../../shared/errors.ts';
import type { KeySorter } from '../port.ts';
import { pageSignature } from '../shared/page-signature.ts';
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

/** What a pass remembers of a page once its records went on: enough to check the pages agree. */
export interface PageOutline {
  readonly start: number;
  readonly echoedStart: number | undefined;
  readonly total: number;
  readonly size: number;
  readonly firstKey: string | undefined;
  readonly lastKey: string | undefined;
  /** A hash of the page's keys in order (see pageSignature). */
  readonly signature: string;
}

export function outlineOf<T>(page: OffsetPage<T>, keyOf: (record: T) => string): PageOutline {
  const keys = page.records.map(keyOf);
  return {
    start: page.start,
    echoedStart: page.echoedStart,
    total: page.total,
    size: keys.length,
    firstKey: keys[0],
    lastKey: keys.at(-1),
    signature: pageSignature(keys),
  };
}

/** Where a pass hands each page's records, duplicates and all, as the pages arrive. */
export interface OffsetDestination<T> {
  add(batch: readonly T[]): Promise<void>;
  /** Forgets every record handed over: the listing is read again from the start. */
  restart(): Promise<void>;
}

export interface PassOptions<T> {
  /** `count` to ask for; the server may serve fewer a page. */
  readonly pageSize: number;
  readonly concurrency: number;
  keyOf(record: T): string;
  /** Fetches and validates one page; throws a SiteError. */
  fetchPage(start: number): Promise<OffsetPage<T>>;
  readonly destination: OffsetDestination<T>;
  /** A sorter for one pass's keys: the distinct ones are counted without keeping the records. */
  openKeySorter(): KeySorter;
  onPage?(received: number, total: number): void;
  readonly signal?: AbortSignal;
}

/** Requests and retries spent, across passes. */
export interface Tally {
  pages: number;
  retries: number;
}

export type PassOutcome =
  | {
      readonly kind: 'consistent';
      readonly uniqueRecords: number;
      readonly total: number;
      readonly duplicates: number;
    }
  | {
      readonly kind: 'inconsistent' | 'failed';
      readonly uniqueRecords: number;
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

/** Every way the pages of one pass (in offset order) fail to describe one listing; empty when they add up. */
export function passProblems(
  pages: readonly PageOutline[],
  perPage: number,
  uniqueRecords: number,
): string[] {
  const first = pages[0];
  if (first === undefined) return ['no page was read'];
  const total = first.total;
  const overlap = perPage > 1;
  const problems: string[] = [];
  const bySignature = new Map<string, number>();
  let previous: PageOutline | undefined;
  for (const page of pages) {
    const sameAs = bySignature.get(page.signature);
    if (page.size > 0 && sameAs !== undefined) {
      problems.unshift(
        `the API served the same records for startIndex ${sameAs} and ${page.start} (a stuck offset: it ignores startIndex)`,
      );
    } else bySignature.set(page.signature, page.start);
    if (page.echoedStart !== undefined && page.echoedStart !== page.start) {
      problems.push(`the page asked for at startIndex ${page.start} says it starts at ${page.echoedStart}`);
    }
    if (page.total !== total) {
      problems.push(`totalResults changed from ${count(total)} to ${count(page.total)} during the listing`);
    }
    const expected = Math.max(0, Math.min(perPage, total - page.start));
    if (page.size !== expected) {
      problems.push(
        `the page at startIndex ${page.start} held ${page.size} records where ${expected} were due`,
      );
    }
    if (overlap && previous !== undefined && previous.size > 0 && page.size > 0) {
      if (page.firstKey !== previous.lastKey) {
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

/** How many distinct keys the sorter was given; it is spent after. */
async function countDistinct(keys: KeySorter): Promise<number> {
  let distinct = 0;
  for await (const _key of keys.sorted()) distinct += 1;
  return distinct;
}

/**
 * One read of the whole listing: the first page says the total and the page size the server
 * really serves, then every other offset is requested in parallel, `concurrency` at a time. Each
 * page's records go to the destination as the page arrives (one page at a time, in arrival
 * order); the pass keeps an outline of each page and counts distinct keys through a sorter.
 * A failure on the first page of the first pass throws (nothing was read: the site is unusable);
 * any other failure ends the pass as `failed`, keeping what was read, except a rejected client,
 * which throws wherever it happens.
 */
export async function readPass<T>(
  options: PassOptions<T>,
  tally: Tally,
  firstPass: boolean,
): Promise<PassOutcome> {
  const keys = options.openKeySorter();
  try {
    return await readPassInto(options, keys, tally, firstPass);
  } finally {
    await keys.dispose();
  }
}

async function readPassInto<T>(
  options: PassOptions<T>,
  keys: KeySorter,
  tally: Tally,
  firstPass: boolean,
): Promise<PassOutcome> {
  let handedOver = 0;
  let handing: Promise<void> = Promise.resolve();
  // Pages arrive in parallel; they are handed over one after the other, and a worker waits for
  // its page to be taken, which keeps a slow destination from filling memory.
  const handOver = (page: OffsetPage<T>): Promise<void> => {
    const taken = handing.then(async () => {
      handedOver += page.records.length;
      for (const record of page.records) await keys.add(options.keyOf(record));
      await options.destination.add(page.records);
    });
    handing = taken.catch(() => {});
    return taken;
  };
  const counted = async () => {
    const uniqueRecords = await countDistinct(keys);
    return { uniqueRecords, duplicates: handedOver - uniqueRecords };
  };
  const failed = async (error: unknown, pages: readonly PageOutline[]): Promise<PassOutcome> => {
    if (!(error instanceof SiteError) || error.kind === 'auth' || (firstPass && pages.length === 0))
      throw error;
    tally.retries += retriesSpent(error);
    return { kind: 'failed', ...(await counted()), total: pages[0]?.total ?? null, problem: error.message };
  };

  let first: OffsetPage<T>;
  try {
    first = await options.fetchPage(0);
  } catch (error) {
    return failed(error, []);
  }
  tally.pages += 1;
  tally.retries += first.retries;
  await handOver(first);
  let received = first.records.length;
  options.onPage?.(Math.min(received, first.total), first.total);
  const perPage = first.records.length;
  if (perPage === 0 && first.total > 0) {
    return {
      kind: 'inconsistent',
      uniqueRecords: 0,
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
    async (start): Promise<PageOutline | undefined> => {
      options.signal?.throwIfAborted();
      if (stopped !== undefined || emptied) return undefined;
      let page: OffsetPage<T>;
      try {
        page = await options.fetchPage(start);
      } catch (error) {
        if (error instanceof SiteError && error.kind !== 'auth') stopped ??= { error };
        else throw error;
        return undefined;
      }
      // An empty page where records were due: the total is not to be trusted, and requesting
      // every offset it claims could mean thousands of pointless requests.
      if (page.records.length === 0) emptied = true;
      tally.pages += 1;
      tally.retries += page.retries;
      received += page.records.length;
      options.onPage?.(Math.min(received, first.total), first.total);
      await handOver(page);
      return outlineOf(page, options.keyOf);
    },
  );
  const pages = [
    outlineOf(first, options.keyOf),
    ...rest.filter((page): page is PageOutline => page !== undefined),
  ];
  if (stopped !== undefined) return failed(stopped.error, pages);

  const { uniqueRecords, duplicates } = await counted();
  const problems = passProblems(pages, perPage, uniqueRecords);
  if (problems.length === 0) return { kind: 'consistent', uniqueRecords, total: first.total, duplicates };
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return {
    kind: 'inconsistent',
    uniqueRecords,
    total: first.total,
    duplicates,
    problem: `${problems[0]}${more}`,
  };
}
