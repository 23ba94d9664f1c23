import { mapWithConcurrency } from '../../shared/concurrency.ts';
import { SiteError } from '../../shared/errors.ts';
import type { ExportObserver, ListingReport } from '../port.ts';
import { retriesSpent } from '../shared/retries.ts';
import { groupPath, type PeriscopeV1Api } from './api.ts';
import type { ListedGroup } from './list-groups.ts';
import { groupDetailSchema } from './schemas.ts';
import { failedRequest, invalidPage, unexpectedStatus } from './site-errors.ts';

/** How a group's details are named in messages; the real path holds the encoded name. */
const groupDetailRoute = '/api/v1/groups/{name}';

type DetailOutcome =
  | { readonly kind: 'read'; readonly group: ListedGroup; readonly retries: number }
  | { readonly kind: 'deleted'; readonly name: string }
  | { readonly kind: 'failed'; readonly name: string; readonly error: SiteError }
  | { readonly kind: 'skipped' };

async function fetchGroupDetail(api: PeriscopeV1Api, name: string): Promise<DetailOutcome> {
  const path = groupPath(name);
  let response: Awaited<ReturnType<PeriscopeV1Api['get']>>;
  try {
    response = await api.get(path);
  } catch (error) {
    return { kind: 'failed', name, error: failedRequest(api, error) };
  }
  // Deleted between the listing and this request: the listing cannot be complete, but it goes on.
  if (response.status === 404) return { kind: 'deleted', name };
  if (response.status !== 200) {
    const error = unexpectedStatus(api, response.status, `GET ${groupDetailRoute}`);
    // A key revoked mid-export must stop everything, like anywhere else.
    if (error.kind === 'auth') throw error;
    return { kind: 'failed', name, error };
  }
  const parsed = groupDetailSchema.safeParse(response.body);
  if (!parsed.success) {
    return { kind: 'failed', name, error: invalidPage(api, `the details of group "${name}"`, parsed.error) };
  }
  if (parsed.data.name !== name) {
    const error = new SiteError(
      'protocol',
      `Periscope site "${api.site}": asked for the details of group "${name}", the API answered with group "${parsed.data.name}".`,
    );
    return { kind: 'failed', name, error };
  }
  return { kind: 'read', group: { record: parsed.data, raw: response.body }, retries: response.retries };
}

function names(list: readonly string[]): string {
  const shown = list.slice(0, 5).map((name) => `"${name}"`);
  return list.length > 5 ? `${shown.join(', ')} and ${list.length - 5} more` : shown.join(', ');
}

/**
 * Reads every group's details (its dashboards), `concurrency` at a time. A group deleted meanwhile
 * (404) leaves the listing incomplete and the others are still read; any other failure stops
 * starting new requests and leaves it incomplete; a rejected key throws.
 */
export async function readGroupDetails(
  api: PeriscopeV1Api,
  listed: readonly ListedGroup[],
  concurrency: number,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<{ groups: ListedGroup[]; report: ListingReport }> {
  let read = 0;
  let failure: { name: string; error: SiteError } | undefined;
  const outcomes = await mapWithConcurrency(listed, concurrency, async (group): Promise<DetailOutcome> => {
    signal?.throwIfAborted();
    if (failure !== undefined) return { kind: 'skipped' };
    const outcome = await fetchGroupDetail(api, group.record.name);
    if (outcome.kind === 'failed') failure ??= outcome;
    if (outcome.kind === 'read') {
      read += 1;
      observer?.page?.('groupDetails', read, listed.length);
    }
    return outcome;
  });

  let retries = 0;
  const deleted: string[] = [];
  const groups = listed.map((group, index): ListedGroup => {
    const outcome = outcomes[index];
    if (outcome?.kind === 'read') {
      retries += outcome.retries;
      return outcome.group;
    }
    if (outcome?.kind === 'deleted') deleted.push(outcome.name);
    return group;
  });

  const reasons: string[] = [];
  if (deleted.length > 0) {
    reasons.push(
      `${names(deleted)} ${deleted.length === 1 ? 'was' : 'were'} deleted during the export (404 on the details)`,
    );
  }
  if (failure !== undefined) {
    retries += retriesSpent(failure.error);
    const unread = listed.length - read - deleted.length;
    reasons.push(
      `the details of group "${failure.name}" could not be read, ${unread} group(s) left unread: ${failure.error.message}`,
    );
  }
  return {
    groups,
    report: {
      pages: read,
      reportedTotal: listed.length,
      uniqueRecords: read,
      duplicatesDropped: 0,
      retries,
      complete: reasons.length === 0,
      ...(reasons.length === 0 ? {} : { reason: `groupDetails: ${reasons.join('; ')}` }),
    },
  };
}
