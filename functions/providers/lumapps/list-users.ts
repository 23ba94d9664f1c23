import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver, KeySorter, UserSink } from '../port.ts';
import type { CursorPaging } from '../shared/cursor-listing.ts';
import { type LumAppsApi, lumAppsPageSize } from './api.ts';
import { fetchListingPage, listingParams } from './listing-page.ts';
import { type RecordNotes, toCanonicalUser } from './mapping.ts';
import { pageMoreListing, type ReceivedPage } from './paging.ts';
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

/** What the users listing handed over, for the id check and the listing's own report. */
export interface ListedUsers {
  readonly paging: CursorPaging;
  /** Records handed to the sink, duplicates included. */
  readonly received: number;
}

/** Every user, handed to the sink page by page; each key also goes to `listedKeys` for the id check. */
export async function listUsers(
  api: LumAppsApi,
  sink: UserSink,
  listedKeys: KeySorter,
  notes: RecordNotes,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<ListedUsers> {
  let pageNumber = 0;
  let received = 0;
  const paging = await pageMoreListing<CanonicalUser>({
    listing: 'users',
    records: 'users',
    keyOf: (user) => user.key,
    fetchPage: (cursor) => fetchUsersPage(api, cursor, ++pageNumber, notes),
    destination: {
      async add(users) {
        received += users.length;
        for (const user of users) await listedKeys.add(user.key);
        await sink.add(users);
      },
    },
    onPage: (records) => observer?.page?.('users', records, null),
    ...(signal === undefined ? {} : { signal }),
  });
  return { paging, received };
}
