import { compareKeys } from '../../shared/model.ts';
import type { ExportTarget, ProviderExport } from '../port.ts';
import { cursorListingReport } from '../shared/cursor-listing.ts';
import { keptUsers } from '../shared/kept-records.ts';
import { ListingTraffic } from '../shared/listing-traffic.ts';
import { withWarnings } from '../shared/with-warnings.ts';
import type { PeriscopeV2Api } from './api.ts';
import { danglingGrantsWarning, unresolvedReferencesWarning } from './export-warnings.ts';
import { listDashboards } from './list-dashboards.ts';
import { listRoles } from './list-roles.ts';
import { listUsers } from './list-users.ts';
import { toCanonicalGroup } from './mapping.ts';
import { RoleDirectory, roleKey } from './role-directory.ts';

/**
 * Every user and role of the site, and the dashboards' names for the roles' grants. Roles come
 * first (one request): user records name roles by id, or by name for a role sent without one, and
 * each user is mapped to role keys as its page arrives, so users stream to the target's sink. The
 * dashboards listing runs beside both. When one listing fails for good the others abandon their
 * requests at once, and the first failure is thrown.
 */
export async function exportSite(api: PeriscopeV2Api, target: ExportTarget): Promise<ProviderExport> {
  const { observer } = target;
  const stop = new AbortController();
  const stopOnFailure = (error: unknown): never => {
    if (!stop.signal.aborted) stop.abort(error);
    throw error;
  };
  // Requests in flight, and their retries, are abandoned too: the result is already decided.
  const scoped = api.withSignal(stop.signal);
  // The same id with another e-mail is a different account, not the boundary record seen twice.
  const sink = target.openUsers({
    sameUser: (kept, other) => kept.email?.toLowerCase() === other.email?.toLowerCase(),
  });
  const traffic = new ListingTraffic();
  const rolesListing = traffic
    .track('roles', () => listRoles(scoped, observer, stop.signal))
    .catch(stopOnFailure);
  const dashboardsListing = traffic
    .track('dashboards', () => listDashboards(scoped, observer, stop.signal))
    .catch(stopOnFailure);
  const usersListing = rolesListing
    .then(async (roles) => {
      const directory = new RoleDirectory(roles.records.map((role) => role.record));
      const paging = await traffic.track('users', () =>
        listUsers(scoped, directory, sink, observer, stop.signal),
      );
      return { directory, paging };
    })
    .catch(stopOnFailure);
  const [roles, dashboards, users] = await Promise.allSettled([
    rolesListing,
    dashboardsListing,
    usersListing,
  ]);
  if (roles.status === 'rejected' || dashboards.status === 'rejected' || users.status === 'rejected') {
    throw stop.signal.reason;
  }

  const summary = await sink.close();
  const dashboardNames = new Map(dashboards.value.records.map((dashboard) => [dashboard.id, dashboard.name]));
  const canonicalGroups = roles.value.records
    .map(({ record, raw }) =>
      toCanonicalGroup(record, raw, dashboardNames, summary.membersByGroup.get(roleKey(record)) ?? 0),
    )
    .sort((a, b) => compareKeys(a.key, b.key));

  return {
    users: summary,
    groups: canonicalGroups,
    listings: {
      users: withWarnings(
        cursorListingReport(users.value.paging, keptUsers(summary)),
        unresolvedReferencesWarning(users.value.directory.unresolvedReferences()),
      ),
      roles: roles.value.report,
      dashboards: dashboards.value.report.complete
        ? withWarnings(dashboards.value.report, danglingGrantsWarning(roles.value.records, dashboardNames))
        : dashboards.value.report,
    },
    traffic: traffic.figures(),
  };
}
