import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver, ListingReport, ScratchSorting, UserSink } from '../port.ts';
import { withWarnings } from '../shared/with-warnings.ts';
import { type TrivoreApi, usersPath } from './api.ts';
import { fetchOffsetPage, type PageRequest, type SortPreference } from './listing-page.ts';
import { toCanonicalUser } from './mapping.ts';
import { readOffsetListing } from './offset-listing.ts';
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

/** Every user, handed to the sink page by page; a pass's keys are counted in scratch sorters. */
export async function listUsers(
  api: TrivoreApi,
  settings: { readonly pageSize: number; readonly concurrency: number },
  sink: UserSink,
  scratch: ScratchSorting,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<ListingReport> {
  const request = usersPageRequest(api, settings.pageSize);
  const report = await readOffsetListing<CanonicalUser>({
    listing: 'users',
    ...settings,
    keyOf: (user) => user.key,
    fetchPage: (start) => fetchOffsetPage(request, start),
    destination: sink,
    openKeySorter: () => scratch.openKeySorter(),
    onPage: (records, total) => observer?.page?.('users', records, total),
    ...(signal === undefined ? {} : { signal }),
  });
  return withSortWarning(report, request.sort);
}

/** Adds to the report that the server refused `sortBy=id`, when it did. */
export function withSortWarning(report: ListingReport, sort: SortPreference): ListingReport {
  if (sort.refused === undefined) return report;
  return withWarnings(
    report,
    `the server refused sortBy=id (${sort.refused}); the listing relied on the server's default order, ` +
      'which the page-boundary checks still verify.',
  );
}
