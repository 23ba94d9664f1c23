import { randomBytes } from 'node:crypto';
import { type Reply, reply } from '../../shared/http.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { applySelection } from '../partial-response.ts';
import type { IdTable } from '../store.ts';
import type { RouteContext } from './context.ts';
import { apiError } from './errors.ts';
import { fieldsParam, maxResults } from './params.ts';

/** Sorts before every generated id: the position "before the first record". */
const START = '0'.repeat(16);

export interface ListingSpec<T extends { id: string }> {
  readonly kind: 'users-list' | 'groups-list';
  readonly table: IdTable<T>;
  readonly matches: (record: T) => boolean;
  /** The query's filters, fingerprinted into its cursors. */
  readonly fingerprint: string;
  /**
   * Whether the last page still carries a cursor (as NDB's fetch_page does) or leaves it out.
   * Either way `more: false` is what ends the listing.
   */
  readonly cursorOnLastPage: boolean;
}

const callId = (): string => randomBytes(8).toString('hex');

/**
 * One page of a `{items, cursor, more, callId}` listing: `maxResults` records after the cursor's
 * position. `more` is exact (a full last page says false). An empty result is `{"more": false}`
 * and nothing else, as in the SDK's test data.
 */
export function listingPage<T extends { id: string }>(ctx: RouteContext, spec: ListingSpec<T>): Reply {
  const { query } = ctx.request;
  const limit = maxResults(query, ctx.pageSize);
  if (!limit.ok) return limit.reply;
  const fields = fieldsParam(query);
  if (!fields.ok) return fields.reply;
  let after = START;
  const cursor = query.get('cursor');
  if (cursor !== null && cursor !== '') {
    const decoded = decodeCursor(cursor, spec.fingerprint);
    if (!decoded.ok) {
      return apiError(
        400,
        decoded.problem === 'malformed'
          ? 'Invalid cursor.'
          : 'The cursor does not belong to this query: send the same filters as the request that returned it.',
      );
    }
    after = decoded.after;
  }

  const page = spec.table.page(after, limit.value, spec.matches);
  const lastId = page.records.at(-1)?.id ?? after;
  const afterPage = encodeCursor(spec.fingerprint, lastId);
  const sent = ctx.hooks.listingPage(
    spec.kind,
    page.more ? afterPage : null,
    encodeCursor(spec.fingerprint, after),
  );

  let body: Record<string, unknown>;
  const blank = ctx.emptyMore(spec.kind);
  if (blank !== undefined) {
    // The glitch the SDK guards against: more pages promised, nothing on this one. The cursor
    // skips this page's records, so a client that carries on loses them without noticing.
    body = {
      ...(blank.items === 'empty' ? { items: [] } : {}),
      cursor: afterPage,
      more: true,
      callId: callId(),
    };
  } else if (page.records.length === 0 && sent === null) {
    body = { more: false };
  } else {
    const cursorSent = sent ?? (spec.cursorOnLastPage && page.records.length > 0 ? afterPage : undefined);
    body = {
      ...(page.records.length > 0 ? { items: page.records } : {}),
      ...(cursorSent === undefined ? {} : { cursor: cursorSent }),
      more: sent !== null,
      callId: callId(),
    };
  }
  return reply(200, fields.value === undefined ? body : applySelection(body, fields.value));
}
