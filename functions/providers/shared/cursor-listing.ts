import { setImmediate as nextTurn } from 'node:timers/promises';
import { SiteError } from '../../shared/errors.ts';
import type { ListingReport } from '../port.ts';
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

export interface CursorListingOptions<T> {
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
  /** Identity used to de-duplicate. */
  keyOf(record: T): string;
  /**
   * Whether a record with the same key is the same record seen twice, not a different one.
   * Without it, a repeated key is always the same record.
   */
  sameRecord?(kept: T, other: T): boolean;
  /** Fetches one page; throws a SiteError. */
  fetchPage(cursor: string | null): Promise<ReceivedPage<T>>;
  onPage?(records: number, total: number | null): void;
  /** The records a page added (duplicates left out), in the order they arrived. */
  onRecords?(records: readonly T[]): void;
  /** Aborted when a sibling listing failed for good: stop at the next page boundary. */
  readonly signal?: AbortSignal;
}

export interface CursorListing<T> {
  /** Unique records in the order first seen. */
  readonly records: T[];
  readonly report: ListingReport;
}

const count = (n: number): string => n.toLocaleString('en-US');
const DEFAULT_MAX_PAGES_WITHOUT_TOTAL = 10_000;

/**
 * Follows `next_page_start` to its end, keeping each record once by key and counting the
 * duplicates (an inclusive cursor, or a client-side overlap, repeats a boundary record). Loops end
 * as incomplete, never by a timeout: a cursor seen before, a page that offers another page but
 * brought nothing new, or more pages than twice what the reported total needs (without a total,
 * `maxPagesWithoutTotal`). A failure on the first page throws (nothing was read, the site is
 * unusable); a later one ends the listing as incomplete and keeps what was read, except a
 * rejected key, which throws wherever it happens. The next page is requested while the current
 * one is validated; when the checks then stop the listing, that one request is left unread.
 */
export async function collectCursorListing<T>(options: CursorListingOptions<T>): Promise<CursorListing<T>> {
  const { listing } = options;
  const what = options.recordsName ?? listing;
  const byKey = new Map<string, T>();
  const seenCursors = new Set<string>();
  const collisions: string[] = [];
  let duplicatesDropped = 0;
  let pages = 0;
  let retries = 0;
  let reportedTotal: number | null = null;
  let largestTotal: number | null = null;
  let pageSize = options.pageSize;

  const finish = (reason?: string): CursorListing<T> => ({
    records: [...byKey.values()],
    report: {
      pages,
      reportedTotal,
      uniqueRecords: byKey.size,
      duplicatesDropped,
      retries,
      complete: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
    },
  });
  const stopped = (why: string): CursorListing<T> =>
    finish(
      `${listing}: stopped after ${pages} page${pages === 1 ? '' : 's'} (${count(byKey.size)} ${options.recordsName ?? listing} read): ${why}`,
    );

  const failedAfter = (error: unknown): CursorListing<T> => {
    if (pages === 0 || !(error instanceof SiteError) || error.kind === 'auth') throw error;
    retries += retriesSpent(error);
    return stopped(error.message);
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
    if (page.total !== null) largestTotal = Math.max(largestTotal ?? 0, page.total);
    // A server configured with smaller pages than the documented 100 must not trip the page cap.
    if (pages === 1 && page.next !== null && page.records.length > 0) {
      pageSize = Math.min(pageSize, page.records.length);
    }
    const added: T[] = [];
    for (const record of page.records) {
      const key = options.keyOf(record);
      const kept = byKey.get(key);
      if (kept === undefined) {
        byKey.set(key, record);
        added.push(record);
      } else {
        duplicatesDropped += 1;
        if (options.sameRecord && !options.sameRecord(kept, record)) collisions.push(key);
      }
    }
    if (added.length > 0) options.onRecords?.(added);
    options.onPage?.(byKey.size, page.total);

    if (page.anomaly === 'more-but-empty') {
      return stopped(
        `page ${pages} said more ${what} follow but held none. APIs send this when something went wrong on their ` +
          'side; the pages after it cannot be trusted to hold what this one should have, so paging ends here.',
      );
    }
    if (page.anomaly === 'more-without-cursor') {
      return stopped(`page ${pages} said more ${what} follow but sent no cursor to fetch them with.`);
    }
    if (page.next === null) break;
    if (seenCursors.has(page.next)) {
      return stopped('the API sent a next-page cursor it had already sent, so paging would loop forever.');
    }
    if (added.length === 0) {
      return stopped('the API offered another page after a page that brought no new records.');
    }
    if (largestTotal === null) {
      if (pages >= (options.maxPagesWithoutTotal ?? DEFAULT_MAX_PAGES_WITHOUT_TOTAL)) {
        return stopped(
          `the API still offered another page after ${count(pages)} pages; rollcall stops there because the API reports no total.`,
        );
      }
    } else {
      const needed = Math.ceil(largestTotal / pageSize);
      if (pages >= needed * 2 + 2) {
        return stopped(
          `the API still offered another page after ${pages} pages, while its reported total of ` +
            `${count(largestTotal)} needs about ${needed}.`,
        );
      }
    }
    seenCursors.add(page.next);
    arriving = early !== undefined && hint === page.next ? early : options.fetchPage(page.next);
  }

  if (collisions.length > 0) {
    return finish(
      `${listing}: ${count(collisions.length)} records share their key with a different record ` +
        `(first: "${collisions[0]}"), so one of each pair could not be kept.`,
    );
  }
  if (reportedTotal !== null && byKey.size !== reportedTotal) {
    return finish(
      `${listing}: the API reported ${count(reportedTotal)} ${listing}, ${count(byKey.size)} were collected: ` +
        `${listing} were probably added or removed during the export.`,
    );
  }
  return finish();
}
