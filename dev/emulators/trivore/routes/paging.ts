import type { ListingPageHook } from '../../shared/fault-server.ts';
import { type Reply, reply } from '../../shared/http.ts';
import { compareIds } from '../data.ts';
import { trivoreError } from '../errors.ts';
import { type Attributes, parseFilter } from '../filter.ts';

export interface PagingSettings {
  /** The most records a page holds; a larger `count` is cut to it silently. */
  readonly maxCount: number;
  /** Records on a page when no `count` is sent. */
  readonly defaultCount: number;
}

export interface ListingSpec<T extends { id: string }> {
  readonly kind: 'users-list' | 'groups-list';
  /** Every record in id order (the live array: copied before any other order). */
  readonly records: readonly T[];
  readonly filterable: Attributes<T>;
  readonly sortable: Readonly<Record<string, (record: T) => string>>;
}

const digits = /^\d+$/;

function nonNegative(query: URLSearchParams, name: string): number | string | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!digits.test(value) || !Number.isSafeInteger(Number(value))) {
    return `Parameter ${name} must be a non-negative integer, got "${value}"`;
  }
  return Number(value);
}

/**
 * The order a listing serves: id ascending unless `sortBy`/`ascending` say otherwise. A request
 * that names an unknown sort field is refused rather than silently served in another order.
 */
function ordered<T extends { id: string }>(
  spec: ListingSpec<T>,
  query: URLSearchParams,
): readonly T[] | string {
  const sortBy = query.get('sortBy') ?? 'id';
  const ascending = query.get('ascending') ?? 'true';
  if (!['true', 'false', 'ascending', 'descending'].includes(ascending)) {
    return `Parameter ascending must be true or false, got "${ascending}"`;
  }
  const descending = ascending === 'false' || ascending === 'descending';
  if (sortBy === 'id') return descending ? [...spec.records].reverse() : spec.records;
  const keyOf = spec.sortable[sortBy];
  if (keyOf === undefined) return `Invalid sortBy "${sortBy}"`;
  // Ties broken by id: the order must be stable between requests for offsets to mean anything.
  const sorted = [...spec.records].sort((a, b) => compareIds(keyOf(a), keyOf(b)) || compareIds(a.id, b.id));
  return descending ? sorted.reverse() : sorted;
}

/**
 * One page of a listing: `{totalResults, startIndex, itemsPerPage, resources}`, `startIndex` and
 * `itemsPerPage` only when a paging parameter was sent. The page is built, then the fault plan is
 * told: a repeat-cursor fault answers with the frozen offset instead (a stuck offset), a drift
 * fault changes the data after this page.
 */
export function listingPage<T extends { id: string }>(
  spec: ListingSpec<T>,
  query: URLSearchParams,
  settings: PagingSettings,
  hooks: ListingPageHook,
): Reply {
  const startIndex = nonNegative(query, 'startIndex');
  const count = nonNegative(query, 'count');
  if (typeof startIndex === 'string') return trivoreError(400, startIndex);
  if (typeof count === 'string') return trivoreError(400, count);
  const paged = startIndex !== undefined || count !== undefined;
  const start = startIndex ?? 0;
  const size = Math.min(count ?? settings.defaultCount, settings.maxCount);

  const build = (from: number): Reply | { total: number; page: readonly T[] } => {
    let records = ordered(spec, query);
    if (typeof records === 'string') return trivoreError(400, records);
    const filterText = query.get('filter');
    if (filterText !== null && filterText.trim() !== '') {
      const filter = parseFilter(filterText, spec.filterable);
      if (typeof filter === 'string') return trivoreError(400, filter);
      records = records.filter(filter);
    }
    return { total: records.length, page: records.slice(from, from + size) };
  };
  let built = build(start);
  if ('status' in built) return built;
  const served = hooks.listingPage(spec.kind, String(start), String(start));
  // A stuck offset: the server answers with the page it froze on, whatever was asked for.
  if (served !== null && served !== String(start)) built = build(Number(served));
  if ('status' in built) return built;
  return reply(200, {
    totalResults: built.total,
    // Echoes what was asked, even on a stuck offset: only the records can tell.
    ...(paged ? { startIndex: start, itemsPerPage: built.page.length } : {}),
    resources: built.page,
  });
}
