import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver } from '../port.ts';
import { type LumAppsApi, lumAppsPageSize } from './api.ts';
import { fetchListingPage, listingParams } from './listing-page.ts';
import { type RecordNotes, toCanonicalUser } from './mapping.ts';
import { collectMoreListing, type MoreListing, type ReceivedPage } from './paging.ts';
import { userRecordSchema } from './schemas.ts';

export const usersRoute = 'user/list';

/**
 * Every user: `showHidden=true`, because hidden users are left out otherwise, and no `status`
 * filter, because the parameter has no default and without it enabled and disabled users both
 * come back.
 */
export const usersQuery: readonly [string, string][] = [
  ['showHidden', 'true'],
  ['maxResults', String(lumAppsPageSize)],
];

export function fetchUsersPage(
  api: LumAppsApi,
  cursor: string | null,
  pageNumber: number,
  notes?: RecordNotes,
): Promise<ReceivedPage<CanonicalUser>> {
  return fetchListingPage(api, {
    route: usersRoute,
    params: listingParams(usersQuery, cursor),
    what: `page ${pageNumber} of the users listing`,
    item: userRecordSchema,
    map(record, raw) {
      notes?.observe(record);
      return toCanonicalUser(record, raw);
    },
  });
}

export function listUsers(
  api: LumAppsApi,
  notes: RecordNotes,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<MoreListing<CanonicalUser>> {
  let pageNumber = 0;
  return collectMoreListing<CanonicalUser>({
    listing: 'users',
    records: 'users',
    keyOf: (user) => user.key,
    fetchPage: (cursor) => fetchUsersPage(api, cursor, ++pageNumber, notes),
    onPage: (records) => observer?.page?.('users', records, null),
    onRecords: (users) => observer?.users?.(users),
    ...(signal === undefined ? {} : { signal }),
  });
}
