import {
  type CursorListing,
  type CursorPage,
  type CursorPaging,
  collectCursorListing,
  pageCursorListing,
  type ReceivedPage,
  type RecordsDestination,
} from '../shared/cursor-listing.ts';
import { lumAppsPageSize } from './api.ts';

export type { ReceivedPage } from '../shared/cursor-listing.ts';
export type MoreListing<T> = CursorListing<T>;

/**
 * A LumApps listing never reports a total, so this is the only bound on a server that keeps
 * offering new cursors with new records: ten million users at 100 a page.
 */
const MAX_PAGES = 100_000;

export interface MoreListingOptions<T> {
  /** Listing name in reports and progress: `users`, `groups`, `usersCheck`. */
  readonly listing: string;
  /** What the records are, in messages: `users`, `feeds`. */
  readonly records: string;
  keyOf(record: T): string;
  /** Fetches one page; throws a SiteError. */
  fetchPage(cursor: string | null): Promise<ReceivedPage<T>>;
  onPage?(records: number): void;
  /** Aborted when a sibling listing failed for good: stop at the next page boundary. */
  readonly signal?: AbortSignal;
}

/** The shared engine's options for a `{items, cursor, more}` listing. */
function engineOptions<T>(options: MoreListingOptions<T>) {
  const { records, onPage, ...rest } = options;
  return {
    ...rest,
    recordsName: records,
    pageSize: lumAppsPageSize,
    maxPagesWithoutTotal: MAX_PAGES,
    ...(onPage === undefined ? {} : { onPage: (count: number) => onPage(count) }),
  };
}

/**
 * Follows `cursor` while `more` is true, with the engine every cursor provider shares, handing
 * each page to `destination`. LumApps reports no total, so the listing is complete when it reaches
 * `more: false` and nothing else ended it first: a page that says more follow but holds nothing
 * (the glitch the vendor's SDK stops on) or sends no cursor, a repeated cursor, or a page of
 * records already read.
 */
export function pageMoreListing<T>(
  options: MoreListingOptions<T> & { readonly destination: RecordsDestination<T> },
): Promise<CursorPaging> {
  return pageCursorListing({ ...engineOptions(options), destination: options.destination });
}

/** The same, for a small listing (feeds) read whole into memory. */
export function collectMoreListing<T>(options: MoreListingOptions<T>): Promise<MoreListing<T>> {
  return collectCursorListing(engineOptions(options));
}

/** A validated `{items, cursor, more}` page in the shared engine's terms. */
export function cursorPageOf<T>(
  more: boolean,
  cursor: string | undefined,
  records: readonly T[],
  retries: number,
): CursorPage<T> {
  const anomaly = !more
    ? undefined
    : records.length === 0
      ? 'more-but-empty'
      : cursor === undefined
        ? 'more-without-cursor'
        : undefined;
  return {
    total: null,
    next: more && cursor !== undefined ? cursor : null,
    records,
    retries,
    ...(anomaly === undefined ? {} : { anomaly }),
  };
}

/** `more` and `cursor` read straight from an unvalidated body: only a hint for the next request. */
export function peekNext(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { more, cursor } = body as { more?: unknown; cursor?: unknown };
  return more === true && typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
}
