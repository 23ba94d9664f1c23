import { compareKeys } from '../../shared/model.ts';
import type { ExportTarget, ProviderExport } from '../port.ts';
import { cursorListingReport } from '../shared/cursor-listing.ts';
import { keptUsers } from '../shared/kept-records.ts';
import { ListingTraffic } from '../shared/listing-traffic.ts';
import { withWarnings } from '../shared/with-warnings.ts';
import type { PeriscopeV1Api } from './api.ts';
import { KeyOrderCheck } from './key-order.ts';
import { listGroupsWithDetails } from './list-groups.ts';
import { listUsers } from './list-users.ts';
import { toCanonicalGroup } from './mapping.ts';

/**
 * Every user and group of the site. The users chain and the groups listing with its details run
 * side by side: the users chain is sequential by nature (each cursor comes from the page before),
 * so it sets the pace and the groups work hides behind it. Users go to the target's sink as their
 * pages arrive. When one side fails for good the other abandons its requests at once, and the
 * first failure is thrown.
 */
export async function exportSite(
  api: PeriscopeV1Api,
  concurrency: number,
  target: ExportTarget,
): Promise<ProviderExport> {
  const { observer } = target;
  const stop = new AbortController();
  const stopOnFailure = (error: unknown): never => {
    if (!stop.signal.aborted) stop.abort(error);
    throw error;
  };
  // Requests in flight, and their retries, are abandoned too: the result is already decided.
  const scoped = api.withSignal(stop.signal);
  // Two records under one e-mail that differ in its spelling are two accounts, not one seen twice.
  const sink = target.openUsers({ sameUser: (kept, other) => kept.email === other.email });
  const order = new KeyOrderCheck();
  const traffic = new ListingTraffic();
  const [users, groups] = await Promise.allSettled([
    traffic.track('users', () => listUsers(scoped, sink, order, observer, stop.signal)).catch(stopOnFailure),
    traffic
      .track('groups', () => listGroupsWithDetails(scoped, concurrency, observer, stop.signal))
      .catch(stopOnFailure),
  ]);
  if (users.status === 'rejected' || groups.status === 'rejected') throw stop.signal.reason;

  const summary = await sink.close();
  const canonicalGroups = groups.value.groups
    .map(({ record, raw }) => toCanonicalGroup(record, raw, summary.membersByGroup.get(record.name) ?? 0))
    .sort((a, b) => compareKeys(a.key, b.key));

  return {
    users: summary,
    groups: canonicalGroups,
    listings: {
      users: withWarnings(cursorListingReport(users.value, keptUsers(summary)), order.warning()),
      groups: groups.value.groupsReport,
      groupDetails: groups.value.detailsReport,
    },
    traffic: traffic.figures(),
  };
}
