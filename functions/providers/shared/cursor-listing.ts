import { setImmediate as nextTurn } from 'node:timers/promises';
import { SiteError } from '../../shared/errors.ts';
import type { ListingReport } from '../port.ts';
import { type KeptCounts, KeptRecords } from './kept-records.ts';
import { pageSignature } from './page-signature.ts';
import { retriesSpent } from './retries.ts';

/** One validated page of a cursor listing. */
export interface CursorPage<T> {
  /** The total the API reports on this page (`total_users`), or null when it reports none. */
  readonly total: number | null;
  readonly next: string | null;
  readonly records: readonly T[];
  readonly retries: number;
  /**
   * A page that says more pages follow but cannot be followed (`more: true` with no records, or
   * without a cursor): what comes after it cannot be trusted, so the listing ends incomplete.
   */
  readonly anomaly?: 'more-but-empty' | 'more-without-cursor';
}

/** A page as it arrived: its cursor, peeked, and the validation still to do. */
export interface ReceivedPage<T> {
  /** `next_page_start` read from the unvalidated body, to start the next request early. */
  readonly peekedNext: string | undefined;
  /** Validates and maps the page; throws a SiteError. */
  read(): CursorPage<T>;
}

/** Where the pages' records go, duplicates and all, in the order they arrived. */
export interface RecordsDestination<T> {
  /** Await it: it resolves when the destination can take more. */
  add(batch: readonly T[]): Promise<void>;
}

export interface CursorPagingOptions<T> {
  /** Listing name in reports and progress: `users`, `roles`, `dashboards`, `usersCheck`. */
  readonly listing: string;
  /** What the records are, in messages, when the listing's name does not say it: `feeds`. */
  readonly recordsName?: string;
  /** The API's page size, used to bound the number of pages a total can need. */
  readonly pageSize: number;
  /**
   * The most pages a listing whose API reports no total may take (dashboards, roles): the only
   * bound left on a server that keeps offering new cursors with new records. Default 10,000.
   */
  readonly maxPagesWithoutTotal?: number;
  /** Identity used to tell pages apart and to count progress. */
  keyOf(record: T): string;
  /** Fetches one page; throws a SiteError. */
  fetchPage(cursor: string | null): Promise<ReceivedPage<T>>;
  /** Each page's records, as they arrived. */
  readonly destination: RecordsDestination<T>;
  /** After each page: records so far (repeats of the page before left out), reported total. */
  onPage?(records: number, total: number | null): void;
  /** Aborted when a sibling listing failed for good: stop at the next page boundary. */
  readonly signal?: AbortSignal;
}

/** How the paging of a cursor listing ended; the destination holds the records. */
export interface CursorPaging {
  readonly listing: string;
  readonly recordsName: string;
  readonly pages: number;
  readonly reportedTotal: number | null;
  /** Every different total the pages reported, in order of first appearance (at most 20). */
  readonly reportedTotals: readonly number[];
  readonly retries: number;
  /** Why paging ended before the listing's end; absent when it reached the end. */
  readonly stopped?: string;
}

const count = (n: number): string => n.toLocaleString('en-US');
const DEFAULT_MAX_PAGES_WITHOUT_TOTAL = 10_000;
/** A server can send a new total on every page; the manifest keeps this many, enough to show drift. */
const MAX_TOTALS_KEPT = 20;

/**
 * Follows `next_page_start` to its end, handing each page's records to the destination, which
 * de-duplicates them (an inclusive cursor, or a client-side overlap, repeats a boundary record).
 * Loops end as incomplete, never by a timeout: a cursor seen before, a page that offers another
 * page but brought nothing new (every key was on the page before, or the same keys as an earlier
 * page), or more pages than twice what the reported total needs (without a total,
 * `maxPagesWithoutTotal`). Nothing here keeps records: a hash per page and the previous page's
 * keys are all it remembers. A failure on the first page throws (nothing was read, the site is
 * unusable); a later one ends the listing as incomplete, except a rejected key, which throws
 * wherever it happens. The next page is requested while the current one is validated; when the
 * checks then stop the listing, that one request is left unread.
 */
export async function pageCursorListing<T>(options: CursorPagingOptions<T>): Promise<CursorPaging> {
  const { listing } = options;
  const what = options.recordsName ?? listing;
  const seenCursors = new Set<string>();
  const seenPages = new Set<string>();
  let previousKeys = new Set<string>();
  let progressed = 0;
  let pages = 0;
  let retries = 0;
  let reportedTotal: number | null = null;
  let largestTotal: number | null = null;
  const reportedTotals: number[] = [];
  let pageSize = options.pageSize;

  const ended = (stopped?: string): CursorPaging => ({
    listing,
    recordsName: what,
    pages,
    reportedTotal,
    reportedTotals,
    retries,
    ...(stopped === undefined ? {} : { stopped }),
  });
  const failedAfter = (error: unknown): CursorPaging => {
    if (pages === 0 || !(error instanceof SiteError) || error.kind === 'auth') throw error;
    retries += retriesSpent(error);
    return ended(error.message);
  };

  let arriving = options.fetchPage(null);
  for (;;) {
    options.signal?.throwIfAborted();
    let received: ReceivedPage<T>;
    try {
      received = await arriving;
    } catch (error) {
      return failedAfter(error);
    }
    // Each cursor comes from the page before, so the chain's speed is the latency floor only if
    // this page's validation runs while the next request is on the wire. The peeked cursor is a
    // hint: the checks below still decide whether paging goes on.
    let early: Promise<ReceivedPage<T>> | undefined;
    const hint = received.peekedNext;
    if (hint !== undefined && !seenCursors.has(hint)) {
      early = options.fetchPage(hint);
      early.catch(() => {}); // awaited below when used; a discarded one must not go unhandled
      await nextTurn(); // let the request reach the socket before the CPU work
    }
    let page: CursorPage<T>;
    try {
      page = received.read();
    } catch (error) {
      return failedAfter(error);
    }
    pages += 1;
    retries += page.retries;
    reportedTotal = page.total;
    if (page.total !== null) {
      largestTotal = Math.max(largestTotal ?? 0, page.total);
      if (!reportedTotals.includes(page.total) && reportedTotals.length < MAX_TOTALS_KEPT)
        reportedTotals.push(page.total);
    }
    // A server configured with smaller pages than the documented 100 must not trip the page cap.
    if (pages === 1 && page.next !== null && page.records.length > 0) {
      pageSize = Math.min(pageSize, page.records.length);
    }
    const keys = page.records.map((record) => options.keyOf(record));
    const pageKeys = new Set<string>();
    let fresh = 0;
    for (const key of keys) {
      if (!previousKeys.has(key) && !pageKeys.has(key)) fresh += 1;
      pageKeys.add(key);
    }
    const signature = pageSignature(keys);
    const servedBefore = keys.length > 0 && seenPages.has(signature);
    seenPages.add(signature);
    previousKeys = pageKeys;
    progressed += fresh;
    await options.destination.add(page.records);
    options.onPage?.(progressed, page.total);

    if (page.anomaly === 'more-but-empty') {
      return ended(
        `page ${pages} said more ${what} follow but held none. APIs send this when something went wrong on their ` +
          'side; the pages after it cannot be trusted to hold what this one should have, so paging ends here.',
      );
    }
    if (page.anomaly === 'more-without-cursor') {
      return ended(`page ${pages} said more ${what} follow but sent no cursor to fetch them with.`);
    }
    if (page.next === null) return ended();
    if (seenCursors.has(page.next)) {
      return ended('the API sent a next-page cursor it had already sent, so paging would loop forever.');
    }
    if (fresh === 0 || servedBefore) {
      return ended('the API offered another page after a page that brought no new records.');
    }
    if (largestTotal === null) {
      if (pages >= (options.maxPagesWithoutTotal ?? DEFAULT_MAX_PAGES_WITHOUT_TOTAL)) {
        return ended(
          `the API still offered another page after ${count(pages)} pages; rollcall stops there because the API reports no total.`,
        );
      }
    } else {
      const needed = Math.ceil(largestTotal / pageSize);
      if (pages >= needed * 2 + 2) {
        return ended(
          `the API still offered another page after ${pages} pages, while its reported total of ` +
            `${count(largestTotal)} needs about ${needed}.`,
        );
      }
    }
    seenCursors.add(page.next);
    arriving = early !== undefined && hint === page.next ? early : options.fetchPage(page.next);
  }
}

/**
 * The report of a cursor listing, once its destination has said what the records came to: why it
 * stopped, else two different records under one key, else a unique count that misses the total.
 */
export function cursorListingReport(paging: CursorPaging, kept: KeptCounts): ListingReport {
  const { listing, pages } = paging;
  const reason = (): string | undefined => {
    if (paging.stopped !== undefined) {
      return `${listing}: stopped after ${pages} page${pages === 1 ? '' : 's'} (${count(kept.uniqueRecords)} ${paging.recordsName} read): ${paging.stopped}`;
    }
    if (kept.differingDuplicates > 0) {
      return (
        `${listing}: ${count(kept.differingDuplicates)} records share their key with a different record ` +
        `(first: "${kept.firstDifferingKey}"), so one of each pair could not be kept.`
      );
    }
    if (paging.reportedTotal !== null && kept.uniqueRecords !== paging.reportedTotal) {
      return (
        `${listing}: the API reported ${count(paging.reportedTotal)} ${listing}, ${count(kept.uniqueRecords)} were collected: ` +
        `${listing} were probably added or removed during the export.`
      );
    }
    if (paging.reportedTotals.length > 1) {
      // The count can add up to the last total and still miss records: some left from pages not
      // read yet while others joined pages already read.
      return (
        `${listing}: the API's reported total changed while rollcall paged through it ` +
        `(${paging.reportedTotals.map(count).join(' → ')}): ${listing} were added or removed during the export.`
      );
    }
    return undefined;
  };
  const why = reason();
  return {
    pages,
    reportedTotal: paging.reportedTotal,
    ...(paging.reportedTotals.length > 1 ? { reportedTotals: paging.reportedTotals } : {}),
    uniqueRecords: kept.uniqueRecords,
    duplicatesDropped: kept.duplicatesDropped,
    retries: paging.retries,
    complete: why === undefined,
    ...(why === undefined ? {} : { reason: why }),
  };
}

export interface CursorListingOptions<T> extends Omit<CursorPagingOptions<T>, 'destination'> {
  /**
   * Whether a record with the same key is the same record seen twice, not a different one.
   * Without it, a repeated key is always the same record.
   */
  sameRecord?(kept: T, other: T): boolean;
}

/** A small listing read whole into memory (it scales with groups, not users). */
export interface CursorListing<T> {
  /** Unique records in the order first seen; the later of two with one key is kept. */
  readonly records: T[];
  readonly report: ListingReport;
}

/** Pages a small cursor listing (groups, roles, dashboards, feeds) into memory. */
export async function collectCursorListing<T>(options: CursorListingOptions<T>): Promise<CursorListing<T>> {
  const { sameRecord, ...paging } = options;
  const kept = new KeptRecords<T>(options.keyOf, sameRecord);
  const ended = await pageCursorListing({ ...paging, destination: kept });
  return { records: kept.records(), report: cursorListingReport(ended, kept.counts()) };
}
