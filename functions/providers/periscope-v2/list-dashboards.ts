import type { ExportObserver } from '../port.ts';
import { type CursorListing, collectCursorListing, type ReceivedPage } from '../shared/cursor-listing.ts';
import { dashboardsPath, type PeriscopeV2Api, periscopePageSize } from './api.ts';
import { peekCursor, requestListingPage } from './listing-page.ts';
import { type DashboardRecord, dashboardsPageSchema } from './schemas.ts';
import { invalidPage } from './site-errors.ts';

/** No total is reported: this bounds a server that keeps offering new pages (a million dashboards). */
const maxPagesWithoutTotal = 10_000;

async function fetchDashboardsPage(
  api: PeriscopeV2Api,
  cursor: string | null,
  pageNumber: number,
): Promise<ReceivedPage<DashboardRecord>> {
  const response = await requestListingPage(api, dashboardsPath, cursor);
  return {
    peekedNext: peekCursor(response.body),
    read() {
      const parsed = dashboardsPageSchema.safeParse(response.body);
      if (!parsed.success) {
        throw invalidPage(api, `page ${pageNumber} of the dashboards listing`, parsed.error);
      }
      return {
        total: null,
        next: parsed.data.next_page_start ?? null,
        records: parsed.data.dashboards,
        retries: response.retries,
      };
    },
  };
}

/**
 * Every dashboard's id and name, to name the dashboards the roles grant. The returned cursor is
 * the next page's first dashboard (CS-DASH keeps every record), but a server that repeats the
 * boundary record is handled too: records are kept once by id and the repeats counted.
 */
export function listDashboards(
  api: PeriscopeV2Api,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<CursorListing<DashboardRecord>> {
  let pageNumber = 0;
  return collectCursorListing<DashboardRecord>({
    listing: 'dashboards',
    pageSize: periscopePageSize,
    maxPagesWithoutTotal,
    keyOf: (dashboard) => dashboard.id,
    sameRecord: (kept, other) => kept.name === other.name,
    fetchPage: (cursor) => fetchDashboardsPage(api, cursor, ++pageNumber),
    onPage: (records) => observer?.page?.('dashboards', records, null),
    ...(signal === undefined ? {} : { signal }),
  });
}
