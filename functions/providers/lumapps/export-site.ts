import { compareKeys } from '../../shared/model.ts';
import type { ExportTarget, ListingReport, ProviderExport, UserSink } from '../port.ts';
import { cursorListingReport } from '../shared/cursor-listing.ts';
import { keptUsers } from '../shared/kept-records.ts';
import { ListingTraffic } from '../shared/listing-traffic.ts';
import { withWarnings } from '../shared/with-warnings.ts';
import type { LumAppsApi } from './api.ts';
import { checkUsers } from './check-users.ts';
import { type ListedFeed, listFeeds } from './list-feeds.ts';
import { listUsers } from './list-users.ts';
import { RecordNotes, toCanonicalGroup } from './mapping.ts';

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

/** The users listing and, when it reached its end, the id check; what their reports need. */
interface UsersChain {
  readonly listing: Awaited<ReturnType<typeof listUsers>>;
  readonly check?: Awaited<ReturnType<typeof checkUsers>>;
}

/** The users listing's report: its own counts when the check walked its keys, else the sink's. */
function usersReport(chain: UsersChain, sink: Awaited<ReturnType<UserSink['close']>>): ListingReport {
  const kept =
    chain.check === undefined
      ? keptUsers(sink)
      : {
          uniqueRecords: chain.check.listedUsers,
          duplicatesDropped: chain.listing.received - chain.check.listedUsers,
          differingDuplicates: 0,
        };
  return cursorListingReport(chain.listing.paging, kept);
}

/**
 * Every user and feed of the organisation. The token is fetched first, so a rejected client fails
 * once, clearly. Then the users chain (listing into the sink, then the id check) and the feeds
 * listing run side by side; when one fails for good the other abandons its requests, and the
 * first failure is thrown.
 */
export async function exportSite(
  api: LumAppsApi,
  concurrency: number,
  target: ExportTarget,
): Promise<ProviderExport> {
  const { observer } = target;
  await api.authenticate();
  const stop = new AbortController();
  const stopOnFailure = (error: unknown): never => {
    if (!stop.signal.aborted) stop.abort(error);
    throw error;
  };
  const scoped = api.withSignal(stop.signal);
  const notes = new RecordNotes();
  const sink = target.openUsers();
  const usersChain = async (): Promise<UsersChain> => {
    const keys = target.scratch.openKeySorter();
    try {
      const listing = await listUsers(scoped, sink, keys, notes, observer, stop.signal);
      if (listing.paging.stopped !== undefined) return { listing };
      const listed = { keys, sink };
      const check = await checkUsers(
        scoped,
        listed,
        target.scratch,
        concurrency,
        notes,
        observer,
        stop.signal,
      );
      return { listing, check };
    } finally {
      await keys.dispose();
    }
  };
  const traffic = new ListingTraffic();
  const [users, feeds] = await Promise.allSettled([
    traffic.track('users', usersChain).catch(stopOnFailure),
    traffic.track('groups', () => listFeeds(scoped, observer, stop.signal)).catch(stopOnFailure),
  ]);
  if (users.status === 'rejected' || feeds.status === 'rejected') throw stop.signal.reason;

  const summary = await sink.close();
  const members = summary.membersByGroup;
  const groups = feeds.value.records
    .map(({ record, raw }) => toCanonicalGroup(record, raw, members.get(record.id) ?? 0))
    .sort((a, b) => compareKeys(a.key, b.key));

  const dangling = feeds.value.report.complete ? danglingWarning(feeds.value.records, members) : undefined;
  const { check } = users.value;
  return {
    users: summary,
    groups,
    listings: {
      users: withWarnings(usersReport(users.value, summary), ...notes.warnings()),
      ...(check === undefined ? {} : { usersCheck: check.report }),
      groups: withWarnings(feeds.value.report, dangling),
    },
    traffic: traffic.figures(),
  };
}
