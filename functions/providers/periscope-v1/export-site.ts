import { compareKeys } from '../../shared/model.ts';
import type { ExportObserver, ProviderExport } from '../port.ts';
import type { PeriscopeV1Api } from './api.ts';
import { listGroupsWithDetails } from './list-groups.ts';
import { listUsers } from './list-users.ts';
import { countMembers, toCanonicalGroup } from './mapping.ts';

/**
 * Every user and group of the site. The users chain and the groups listing with its details run
 * side by side: the users chain is sequential by nature (each cursor comes from the page before),
 * so it sets the pace and the groups work hides behind it. When one side fails for good the other
 * abandons its requests at once, and the first failure is thrown.
 */
export async function exportSite(
  api: PeriscopeV1Api,
  concurrency: number,
  observer?: ExportObserver,
): Promise<ProviderExport> {
  const stop = new AbortController();
  const stopOnFailure = (error: unknown): never => {
    if (!stop.signal.aborted) stop.abort(error);
    throw error;
  };
  // Requests in flight, and their retries, are abandoned too: the result is already decided.
  const scoped = api.withSignal(stop.signal);
  const [users, groups] = await Promise.allSettled([
    listUsers(scoped, observer, stop.signal).catch(stopOnFailure),
    listGroupsWithDetails(scoped, concurrency, observer, stop.signal).catch(stopOnFailure),
  ]);
  if (users.status === 'rejected' || groups.status === 'rejected') throw stop.signal.reason;

  const canonicalUsers = users.value.records.sort((a, b) => compareKeys(a.key, b.key));
  const members = countMembers(canonicalUsers);
  const canonicalGroups = groups.value.groups
    .map(({ record, raw }) => toCanonicalGroup(record, raw, members.get(record.name) ?? 0))
    .sort((a, b) => compareKeys(a.key, b.key));

  return {
    users: canonicalUsers,
    groups: canonicalGroups,
    listings: {
      users: users.value.report,
      groups: groups.value.groupsReport,
      groupDetails: groups.value.detailsReport,
    },
  };
}
