import type { ExportObserver } from '../port.ts';
import { type CursorListing, collectCursorListing, type ReceivedPage } from '../shared/cursor-listing.ts';
import { type PeriscopeV2Api, periscopePageSize, rolesPath } from './api.ts';
import { peekCursor, requestListingPage } from './listing-page.ts';
import { roleKey } from './role-directory.ts';
import { type RoleRecord, rolesPageSchema } from './schemas.ts';
import { invalidPage } from './site-errors.ts';

/** A listed role with the record exactly as the API sent it. */
export interface ListedRole {
  readonly record: RoleRecord;
  readonly raw: unknown;
}

/** Roles come in one response; a server that starts paging them gets this many pages at most. */
const maxPagesWithoutTotal = 1_000;

async function fetchRolesPage(
  api: PeriscopeV2Api,
  cursor: string | null,
  pageNumber: number,
): Promise<ReceivedPage<ListedRole>> {
  const response = await requestListingPage(api, rolesPath, cursor);
  return {
    peekedNext: peekCursor(response.body),
    read() {
      const parsed = rolesPageSchema.safeParse(response.body);
      if (!parsed.success) {
        const what = pageNumber === 1 ? 'the roles listing' : `page ${pageNumber} of the roles listing`;
        throw invalidPage(api, what, parsed.error);
      }
      const rawRecords = (response.body as { roles: unknown[] }).roles;
      return {
        total: null,
        next: parsed.data.next_page_start ?? null,
        records: parsed.data.roles.map((record, index) => ({ record, raw: rawRecords[index] })),
        retries: response.retries,
      };
    },
  };
}

/**
 * Every role. The API sends them in one response with no count, so the listing is complete when
 * that response is valid (reportedTotal null). Each role that came without an id is keyed by its
 * name and named in the report's warnings, so the manifest shows which keys are names.
 */
export async function listRoles(
  api: PeriscopeV2Api,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<CursorListing<ListedRole>> {
  let pageNumber = 0;
  const listing = await collectCursorListing<ListedRole>({
    listing: 'roles',
    pageSize: periscopePageSize,
    maxPagesWithoutTotal,
    keyOf: (role) => roleKey(role.record),
    sameRecord: (kept, other) => JSON.stringify(kept.raw) === JSON.stringify(other.raw),
    fetchPage: (cursor) => fetchRolesPage(api, cursor, ++pageNumber),
    onPage: (records) => observer?.page?.('roles', records, null),
    ...(signal === undefined ? {} : { signal }),
  });
  const warnings = listing.records
    .filter((role) => role.record.id == null)
    // JSON quoting: a name with quotes or line breaks stays one readable line in the manifest.
    .map((role) => `role ${JSON.stringify(role.record.name)} came back without an id; keyed by its name`);
  return warnings.length === 0 ? listing : { ...listing, report: { ...listing.report, warnings } };
}
