import type { ExportObserver, ListingReport } from '../port.ts';
import { type CursorListing, collectCursorListing, type ReceivedPage } from '../shared/cursor-listing.ts';
import { groupsPath, type PeriscopeV1Api, periscopePageSize } from './api.ts';
import { readGroupDetails } from './group-details.ts';
import { peekCursor, requestListingPage } from './listing-page.ts';
import { groupKey } from './mapping.ts';
import { type GroupDetail, type GroupRecord, groupsPageSchema } from './schemas.ts';
import { invalidPage } from './site-errors.ts';

/** A listed group with the record to keep as its `raw`: its details when they could be read. */
export interface ListedGroup {
  readonly record: GroupRecord | GroupDetail;
  readonly raw: unknown;
}

export interface GroupsWithDetails {
  readonly groups: ListedGroup[];
  readonly groupsReport: ListingReport;
  readonly detailsReport: ListingReport;
}

async function fetchGroupsPage(
  api: PeriscopeV1Api,
  cursor: string | null,
  pageNumber: number,
): Promise<ReceivedPage<ListedGroup>> {
  const response = await requestListingPage(api, groupsPath, cursor);
  return {
    peekedNext: peekCursor(response.body),
    read() {
      const parsed = groupsPageSchema.safeParse(response.body);
      if (!parsed.success) throw invalidPage(api, `page ${pageNumber} of the groups listing`, parsed.error);
      const rawRecords = (response.body as { groups: unknown[] }).groups;
      return {
        total: parsed.data.total_groups,
        next: parsed.data.next_page_start,
        records: parsed.data.groups.map((record, index) => ({ record, raw: rawRecords[index] })),
        retries: response.retries,
      };
    },
  };
}

/** The groups listing, then every listed group's details. */
export async function listGroupsWithDetails(
  api: PeriscopeV1Api,
  concurrency: number,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<GroupsWithDetails> {
  let pageNumber = 0;
  const listing: CursorListing<ListedGroup> = await collectCursorListing<ListedGroup>({
    listing: 'groups',
    pageSize: periscopePageSize,
    keyOf: (group) => groupKey(group.record.name),
    sameRecord: (kept, other) => kept.record.name === other.record.name,
    fetchPage: (cursor) => fetchGroupsPage(api, cursor, ++pageNumber),
    onPage: (records, total) => observer?.page?.('groups', records, total),
    ...(signal === undefined ? {} : { signal }),
  });
  const details = await readGroupDetails(api, listing.records, concurrency, observer, signal);
  return { groups: details.groups, groupsReport: listing.report, detailsReport: details.report };
}
