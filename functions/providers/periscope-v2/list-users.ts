import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver } from '../port.ts';
import { type CursorListing, collectCursorListing, type ReceivedPage } from '../shared/cursor-listing.ts';
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

/** Every user, keyed by id; `roles` turns their role references into role keys. */
export function listUsers(
  api: PeriscopeV2Api,
  roles: RoleDirectory,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<CursorListing<CanonicalUser>> {
  let pageNumber = 0;
  return collectCursorListing<CanonicalUser>({
    listing: 'users',
    pageSize: periscopePageSize,
    maxPagesWithoutTotal,
    keyOf: (user) => user.key,
    // The same id with another e-mail is a different account, not the boundary record seen twice.
    sameRecord: (kept, other) => kept.email?.toLowerCase() === other.email?.toLowerCase(),
    fetchPage: (cursor) => fetchUsersPage(api, cursor, ++pageNumber, roles),
    onPage: (records, total) => observer?.page?.('users', records, total),
    onRecords: (users) => observer?.users?.(users),
    ...(signal === undefined ? {} : { signal }),
  });
}
