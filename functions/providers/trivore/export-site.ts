import { compareKeys } from '../../shared/model.ts';
import type { ExportTarget, ProviderExport } from '../port.ts';
import { ListingTraffic } from '../shared/listing-traffic.ts';
import { withWarnings } from '../shared/with-warnings.ts';
import type { TrivoreApi } from './api.ts';
import { createLimiter } from './limiter.ts';
import { listGroups } from './list-groups.ts';
import { listUsers } from './list-users.ts';
import { toCanonicalGroup } from './mapping.ts';
import { danglingMembershipWarning } from './memberships.ts';

export interface ExportSettings {
  /** `count` asked for on every page. */
  readonly pageSize: number;
  /** Requests in flight at most, across both listings. */
  readonly concurrency: number;
}

/**
 * Every user and group of the server. Both listings page side by side and share one bound of
 * `concurrency` requests in flight; users go to the target's sink as their pages arrive (an
 * offset listing read twice restarts the sink, so only the read that is kept is written). When
 * one listing fails for good the other abandons its requests at once, and the first failure is
 * thrown.
 */
export async function exportSite(
  api: TrivoreApi,
  settings: ExportSettings,
  target: ExportTarget,
): Promise<ProviderExport> {
  const { observer } = target;
  const stop = new AbortController();
  const stopOnFailure = (error: unknown): never => {
    if (!stop.signal.aborted) stop.abort(error);
    throw error;
  };
  const scoped = api.scoped(stop.signal, createLimiter(settings.concurrency));
  const sink = target.openUsers();
  const traffic = new ListingTraffic();
  const [users, groups] = await Promise.allSettled([
    traffic
      .track('users', () => listUsers(scoped, settings, sink, target.scratch, observer, stop.signal))
      .catch(stopOnFailure),
    traffic.track('groups', () => listGroups(scoped, settings, observer, stop.signal)).catch(stopOnFailure),
  ]);
  if (users.status === 'rejected' || groups.status === 'rejected') throw stop.signal.reason;

  const summary = await sink.close();
  const members = summary.membersByGroup;
  const canonicalGroups = groups.value.records
    .map(({ record, raw }) => toCanonicalGroup(record, raw, members.get(record.id) ?? 0))
    .sort((a, b) => compareKeys(a.key, b.key));
  // Only a complete groups listing can say a group does not exist; an incomplete one already says why.
  const dangling = groups.value.report.complete
    ? danglingMembershipWarning(members, new Set(canonicalGroups.map((group) => group.key)))
    : undefined;

  return {
    users: summary,
    groups: canonicalGroups,
    listings: { users: withWarnings(users.value, dangling), groups: groups.value.report },
    traffic: traffic.figures(),
  };
}
