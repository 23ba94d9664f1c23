import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver } from '../port.ts';
import { type CursorListing, collectCursorListing, type ReceivedPage } from '../shared/cursor-listing.ts';
import { type PeriscopeV1Api, periscopePageSize, usersPath } from './api.ts';
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

export function listUsers(
  api: PeriscopeV1Api,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<CursorListing<CanonicalUser>> {
  let pageNumber = 0;
  return collectCursorListing<CanonicalUser>({
    listing: 'users',
    pageSize: periscopePageSize,
    keyOf: (user) => user.key,
    sameRecord: (kept, other) => kept.email === other.email,
    fetchPage: (cursor) => fetchUsersPage(api, cursor, ++pageNumber),
    onPage: (records, total) => observer?.page?.('users', records, total),
    onRecords: (users) => observer?.users?.(users),
    ...(signal === undefined ? {} : { signal }),
  });
}
