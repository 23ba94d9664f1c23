import { setImmediate as nextTurn } from 'node:timers/promises';
import { SiteError } from '../../shared/errors.ts';
import type { ListingReport } from '../port.ts';
import { retriesSpent } from '../shared/retries.ts';

/** One validated page of a `{items, cursor, more}` listing. */
export interface MorePage<T> {
  readonly more: boolean;
  readonly cursor: string | undefined;
  readonly records: readonly T[];
  readonly retries: number;
}

/** A page as it arrived: its cursor, peeked, and the validation still to do. */
export interface ReceivedPage<T> {
  /** The cursor when the unvalidated body says `more: true`, to start the next request early. */
  readonly peekedNext: string | undefined;
  /** Validates and maps the page; throws a SiteError. */
  read(): MorePage<T>;
}

export interface MoreListingOptions<T> {
  /** Listing name in reports and progress: `users`, `groups`, `usersCheck`. */
  readonly listing: string;
  /** What the records are, in messages: `users`, `feeds`. */
  readonly records: string;
  keyOf(record: T): string;
  /** Fetches one page; throws a SiteError. */
  fetchPage(cursor: string | null): Promise<ReceivedPage<T>>;
  onPage?(records: number): void;
  /** The records a page added (duplicates left out), in the order they arrived. */
  onRecords?(records: readonly T[]): void;
  /** Aborted when a sibling listing failed for good: stop at the next page boundary. */
  readonly signal?: AbortSignal;
}

export interface MoreListing<T> {
  /** Unique records in the order first seen. */
  readonly records: T[];
  readonly report: ListingReport;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** `more` and `cursor` read straight from an unvalidated body: only a hint for the next request. */
export function peekNext(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { more, cursor } = body as { more?: unknown; cursor?: unknown };
  return more === true && typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
}

/**
 * Follows `cursor` while `more` is true. LumApps reports no total, so the listing is complete when
 * it reaches `more: false` and nothing else ended it first. It ends as incomplete, never by a
 * timeout, when a page says more follow but holds nothing (the glitch the vendor's SDK stops on:
 * what follows cannot be trusted), sends no cursor, repeats a cursor, or holds only records
 * already read. A failure on the first page throws (nothing was read, the site is unusable); a
 * later one ends the listing as incomplete and keeps what was read, except a refused token, which
 * throws wherever it happens. The next page is requested while the current one is validated.
 */
export async function collectMoreListing<T>(options: MoreListingOptions<T>): Promise<MoreListing<T>> {
  const { listing, records: what } = options;
  const byKey = new Map<string, T>();
  const seenCursors = new Set<string>();
  let duplicatesDropped = 0;
  let pages = 0;
  let retries = 0;

  const finish = (reason?: string): MoreListing<T> => ({
    records: [...byKey.values()],
    report: {
      pages,
      reportedTotal: null,
      uniqueRecords: byKey.size,
      duplicatesDropped,
      retries,
      complete: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
    },
  });
  const stopped = (why: string): MoreListing<T> =>
    finish(
      `${listing}: stopped after ${pages} page${pages === 1 ? '' : 's'} (${count(byKey.size)} ${what} read): ${why}`,
    );
  const failedAfter = (error: unknown): MoreListing<T> => {
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
    let early: Promise<ReceivedPage<T>> | undefined;
    const hint = received.peekedNext;
    if (hint !== undefined && !seenCursors.has(hint)) {
      early = options.fetchPage(hint);
      early.catch(() => {}); // awaited below when used; a discarded one must not go unhandled
      await nextTurn(); // let the request reach the socket before the CPU work
    }
    let page: MorePage<T>;
    try {
      page = received.read();
    } catch (error) {
      return failedAfter(error);
    }
    pages += 1;
    retries += page.retries;
    const added: T[] = [];
    for (const record of page.records) {
      const key = options.keyOf(record);
      if (byKey.has(key)) {
        duplicatesDropped += 1;
      } else {
        byKey.set(key, record);
        added.push(record);
      }
    }
    if (added.length > 0) options.onRecords?.(added);
    options.onPage?.(byKey.size);

    if (!page.more) return finish();
    if (page.records.length === 0) {
      return stopped(
        `page ${pages} said more ${what} follow ("more": true) but held none. LumApps sends this when something went wrong ` +
          'on its side; the pages after it cannot be trusted to hold what this one should have, so paging ends here.',
      );
    }
    if (page.cursor === undefined) {
      return stopped(`page ${pages} said more ${what} follow but sent no cursor to fetch them with.`);
    }
    if (seenCursors.has(page.cursor)) {
      return stopped('the API sent a cursor it had already sent, so paging would loop forever.');
    }
    if (added.length === 0) {
      return stopped(`page ${pages} held only ${what} already read, so paging would not make progress.`);
    }
    seenCursors.add(page.cursor);
    arriving = early !== undefined && hint === page.cursor ? early : options.fetchPage(page.cursor);
  }
}
