import { compareKeys } from '../../shared/model.ts';
import type { ExportObserver, ListingReport, ProviderExport } from '../port.ts';
import type { LumAppsApi } from './api.ts';
import { checkUsers } from './check-users.ts';
import { type ListedFeed, listFeeds } from './list-feeds.ts';
import { listUsers } from './list-users.ts';
import { countMembers, RecordNotes, toCanonicalGroup } from './mapping.ts';

/** Memberships of feeds the feeds listing did not return: kept, and said so. */
function danglingWarning(
  feeds: readonly ListedFeed[],
  members: ReadonlyMap<string, number>,
): string | undefined {
  const known = new Set(feeds.map((feed) => feed.record.id));
  const unknown = [...members].filter(([key]) => !known.has(key));
  if (unknown.length === 0) return undefined;
  const memberships = unknown.reduce((sum, [, n]) => sum + n, 0);
  const shown = unknown
    .slice(0, 5)
    .map(([key]) => `"${key}"`)
    .join(', ');
  return (
    `${memberships} membership(s) name ${unknown.length} feed(s) the feeds listing did not return (${shown}${unknown.length > 5 ? ', …' : ''}); ` +
    'they are kept on the users. The feeds were probably deleted during the export.'
  );
}

/**
 * Every user and feed of the organisation. The token is fetched first, so a rejected client fails
 * once, clearly. Then the users chain (listing, then the id check) and the feeds listing run side
 * by side; when one fails for good the other abandons its requests, and the first failure is thrown.
 */
export async function exportSite(
  api: LumAppsApi,
  concurrency: number,
  observer?: ExportObserver,
): Promise<ProviderExport> {
  await api.authenticate();
  const stop = new AbortController();
  const stopOnFailure = (error: unknown): never => {
    if (!stop.signal.aborted) stop.abort(error);
    throw error;
  };
  const scoped = api.withSignal(stop.signal);
  const notes = new RecordNotes();
  const usersChain = async () => {
    const listing = await listUsers(scoped, notes, observer, stop.signal);
    if (!listing.report.complete) return { users: listing.records, listings: { users: listing.report } };
    const checked = await checkUsers(scoped, listing.records, concurrency, notes, observer, stop.signal);
    return { users: checked.users, listings: { users: listing.report, usersCheck: checked.report } };
  };
  const [users, feeds] = await Promise.allSettled([
    usersChain().catch(stopOnFailure),
    listFeeds(scoped, observer, stop.signal).catch(stopOnFailure),
  ]);
  if (users.status === 'rejected' || feeds.status === 'rejected') throw stop.signal.reason;

  const canonicalUsers = users.value.users.sort((a, b) => compareKeys(a.key, b.key));
  const members = countMembers(canonicalUsers);
  const groups = feeds.value.records
    .map(({ record, raw }) => toCanonicalGroup(record, raw, members.get(record.id) ?? 0))
    .sort((a, b) => compareKeys(a.key, b.key));

  const usersReport = withWarnings(users.value.listings.users, notes.warnings());
  const dangling = feeds.value.report.complete ? danglingWarning(feeds.value.records, members) : undefined;
  const groupsReport = withWarnings(feeds.value.report, dangling === undefined ? [] : [dangling]);
  return {
    users: canonicalUsers,
    groups,
    listings: {
      users: usersReport,
      ...('usersCheck' in users.value.listings ? { usersCheck: users.value.listings.usersCheck } : {}),
      groups: groupsReport,
    },
  };
}

function withWarnings(report: ListingReport, warnings: readonly string[]): ListingReport {
  if (warnings.length === 0) return report;
  return { ...report, warnings: [...(report.warnings ?? []), ...warnings] };
}
