import type { ExportObserver } from '../port.ts';
import { groupsPath, type TrivoreApi } from './api.ts';
import { withSortWarning } from './list-users.ts';
import { fetchOffsetPage, type PageRequest } from './listing-page.ts';
import { collectOffsetListing, type OffsetListing } from './offset-listing.ts';
import { type GroupRecord, groupsPageSchema } from './schemas.ts';

/** A listed group with the record exactly as sent, kept as its `raw`. */
export interface ListedGroup {
  readonly record: GroupRecord;
  readonly raw: unknown;
}

export function listGroups(
  api: TrivoreApi,
  settings: { readonly pageSize: number; readonly concurrency: number },
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<OffsetListing<ListedGroup>> {
  const request: PageRequest<GroupRecord, ListedGroup> = {
    api,
    path: groupsPath,
    listing: 'groups',
    schema: groupsPageSchema,
    pageSize: settings.pageSize,
    sort: { byId: true },
    map: (record, raw) => ({ record, raw }),
  };
  return collectOffsetListing<ListedGroup>({
    listing: 'groups',
    ...settings,
    keyOf: (group) => group.record.id,
    fetchPage: (start) => fetchOffsetPage(request, start),
    onPage: (records, total) => observer?.page?.('groups', records, total),
    ...(signal === undefined ? {} : { signal }),
  }).then((listing) => ({ ...listing, report: withSortWarning(listing.report, request.sort) }));
}
