import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver, UserSink } from '../port.ts';
import { type CursorPaging, pageCursorListing, type ReceivedPage } from '../shared/cursor-listing.ts';
import { type PeriscopeV2Api, periscopePageSize, usersPath } from './api.ts';
import { peekCursor, requestListingPage } from './listing-page.ts';
import { toCanonicalUser } from './mapping.ts';
import type { RoleDirectory } from './role-directory.ts';
import { usersPageSchema } from './schemas.ts';
import { invalidPage } from './site-errors.ts';

/** The users listing has a reported total, so its page cap comes from it; this only bounds a total-less server. */
const maxPagesWithoutTotal = 10_000;

/** One page of users as received; `read()` validates and maps it. Both throw a SiteError. */
export async function fetchUsersPage(
  api: PeriscopeV2Api,
  cursor: string | null,
  pageNumber: number,
  roles: RoleDirectory,
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
        total: page.total_users ?? null,
        next: page.next_page_start ?? null,
        records: page.users.map((record, index) => toCanonicalUser(record, rawRecords[index], roles)),
        retries: response.retries,
      };
    },
  };
}

/** Every user, keyed by id, handed to the sink page by page; `roles` turns their role references into role keys. */
export function listUsers(
  api: PeriscopeV2Api,
  roles: RoleDirectory,
  sink: UserSink,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<CursorPaging> {
  let pageNumber = 0;
  return pageCursorListing<CanonicalUser>({
    listing: 'users',
    pageSize: periscopePageSize,
    maxPagesWithoutTotal,
    keyOf: (user) => user.key,
    fetchPage: (cursor) => fetchUsersPage(api, cursor, ++pageNumber, roles),
    destination: sink,
    onPage: (records, total) => observer?.page?.('users', records, total),
    ...(signal === undefined ? {} : { signal }),
  });
}
