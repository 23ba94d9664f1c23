import type { ExportObserver } from '../port.ts';
import { type LumAppsApi, lumAppsPageSize } from './api.ts';
import { fetchListingPage, listingParams } from './listing-page.ts';
import { collectMoreListing, type MoreListing } from './paging.ts';
import { type FeedRecord, feedRecordSchema } from './schemas.ts';

export const feedsRoute = 'feed/list';

/** A listed feed with the record to keep as its `raw`. */
export interface ListedFeed {
  readonly record: FeedRecord;
  readonly raw: unknown;
}

/** Every feed (group) of the organisation: without `instance`, platform and site feeds alike. */
export function listFeeds(
  api: LumAppsApi,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<MoreListing<ListedFeed>> {
  let pageNumber = 0;
  return collectMoreListing<ListedFeed>({
    listing: 'groups',
    records: 'feeds',
    keyOf: (feed) => feed.record.id,
    fetchPage: (cursor) =>
      fetchListingPage(api, {
        route: feedsRoute,
        params: listingParams([['maxResults', String(lumAppsPageSize)]], cursor),
        what: `page ${++pageNumber} of the feeds listing`,
        item: feedRecordSchema,
        map: (record, raw) => ({ record, raw }),
      }),
    onPage: (records) => observer?.page?.('groups', records, null),
    ...(signal === undefined ? {} : { signal }),
  });
}
