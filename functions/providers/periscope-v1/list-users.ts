import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver, UserSink } from '../port.ts';
import { type CursorPaging, pageCursorListing, type ReceivedPage } from '../shared/cursor-listing.ts';
import { type PeriscopeV1Api, periscopePageSize, usersPath } from './api.ts';
import type { KeyOrderCheck } from './key-order.ts';
import { peekCursor, requestListingPage } from './listing-page.ts';
import { toCanonicalUser } from './mapping.ts';
import { usersPageSchema } from './schemas.ts';
import { invalidPage } from './site-errors.ts';

/** One page of users as received; `read()` validates and maps it. Both throw a SiteError. */
export async function fetchUsersPage(
  api: PeriscopeV1Api,
  cursor: string | null,
  pageNumber: number,
): Promise<ReceivedPage<CanonicalUser>> {
  const response = await requestListingPage(api, usersPath, cursor);
  return {
    peekedNext: peekCursor(response.body),
    read() {
      const parsed = usersPageSchema.safeParse(response.body);
      if (!parsed.success) throw invalidPage(api, `page ${pageNumber} of the users listing`, parsed.error);
      // `raw` is the record exactly as sent: the parsed copy may reorder keys.
      const rawRecords = (response.body as { users: unknown[] }).users;
      const page = parsed.data;
      return {
        total: page.total_users,
        next: page.next_page_start,
        records: page.users.map((record, index) => toCanonicalUser(record, rawRecords[index])),
        retries: response.retries,
      };
    },
  };
}

/** The users listing, handed to the sink page by page; the order check watches what streams by. */
export function listUsers(
  api: PeriscopeV1Api,
  sink: UserSink,
  order: KeyOrderCheck,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<CursorPaging> {
  let pageNumber = 0;
  return pageCursorListing<CanonicalUser>({
    listing: 'users',
    pageSize: periscopePageSize,
    keyOf: (user) => user.key,
    fetchPage: (cursor) => fetchUsersPage(api, cursor, ++pageNumber),
    destination: {
      add(users) {
        order.observe(users);
        return sink.add(users);
      },
    },
    onPage: (records, total) => observer?.page?.('users', records, total),
    ...(signal === undefined ? {} : { signal }),
  });
}
