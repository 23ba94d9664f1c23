import type { z } from 'zod';
import type { CursorPage } from '../shared/cursor-listing.ts';
import type { LumAppsApi } from './api.ts';
import { cursorPageOf, peekNext, type ReceivedPage } from './paging.ts';
import { listPageSchema } from './schemas.ts';
import { invalidBody, unexpectedStatus } from './site-errors.ts';

export interface ListingRequest<R extends z.ZodType, T> {
  readonly route: string;
  readonly params: URLSearchParams;
  /** The page, for messages: `page 3 of the users listing`. */
  readonly what: string;
  readonly item: R;
  /** Maps one validated record; `raw` is the record exactly as sent. */
  map(record: z.output<R>, raw: unknown): T;
}

/** GETs one page of a listing route; anything but a 200 with the documented shape throws a SiteError. */
export async function fetchListingPage<R extends z.ZodType, T>(
  api: LumAppsApi,
  request: ListingRequest<R, T>,
): Promise<ReceivedPage<T>> {
  const response = await api.get(request.route, request.params);
  if (response.status !== 200) {
    throw unexpectedStatus(api, response.status, response.body, `GET ${request.route} (${request.what})`);
  }
  return {
    peekedNext: peekNext(response.body),
    read(): CursorPage<T> {
      const parsed = listPageSchema(request.item).safeParse(response.body);
      if (!parsed.success) throw invalidBody(api, request.what, parsed.error);
      // `raw` is the record as sent: the parsed copy may reorder keys or normalise values.
      const rawItems = (response.body as { items?: unknown[] }).items ?? [];
      const items = (parsed.data.items ?? []) as z.output<R>[];
      return cursorPageOf(
        parsed.data.more,
        parsed.data.cursor == null || parsed.data.cursor === '' ? undefined : parsed.data.cursor,
        items.map((record, index) => request.map(record, rawItems[index])),
        response.retries,
      );
    },
  };
}

/** Query parameters in a fixed order, so every page of a listing asks the same query. */
export function listingParams(fixed: readonly [string, string][], cursor: string | null): URLSearchParams {
  const params = new URLSearchParams(fixed as [string, string][]);
  if (cursor !== null) params.set('cursor', cursor);
  return params;
}
