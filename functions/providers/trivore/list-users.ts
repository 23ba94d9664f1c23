import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver } from '../port.ts';
import { type TrivoreApi, usersPath } from './api.ts';
import { fetchOffsetPage, type PageRequest, type SortPreference } from './listing-page.ts';
import { toCanonicalUser } from './mapping.ts';
import { collectOffsetListing, type OffsetListing } from './offset-listing.ts';
import { type UserRecord, usersPageSchema } from './schemas.ts';

export function usersPageRequest(
  api: TrivoreApi,
  pageSize: number,
  sort: SortPreference = { byId: true },
): PageRequest<UserRecord, CanonicalUser> {
  return {
    api,
    path: usersPath,
    listing: 'users',
    schema: usersPageSchema,
    pageSize,
    sort,
    map: toCanonicalUser,
  };
}

export function listUsers(
  api: TrivoreApi,
  settings: { readonly pageSize: number; readonly concurrency: number },
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<OffsetListing<CanonicalUser>> {
  const request = usersPageRequest(api, settings.pageSize);
  return collectOffsetListing<CanonicalUser>({
    listing: 'users',
    ...settings,
    keyOf: (user) => user.key,
    fetchPage: (start) => fetchOffsetPage(request, start),
    onPage: (records, total) => observer?.page?.('users', records, total),
    ...(signal === undefined ? {} : { signal }),
  }).then((listing) => withSortWarning(listing, request.sort));
}

/** Adds to the report that the server refused `sortBy=id`, when it did. */
export function withSortWarning<T>(listing: OffsetListing<T>, sort: SortPreference): OffsetListing<T> {
  if (sort.refused === undefined) return listing;
  const warning =
    `the server refused sortBy=id (${sort.refused}); the listing relied on the server's default order, ` +
    'which the page-boundary checks still verify.';
  return {
    ...listing,
    report: { ...listing.report, warnings: [...(listing.report.warnings ?? []), warning] },
  };
}
