import { compareKeys } from '../../shared/model.ts';
import type { ExportObserver, ListingReport, ProviderExport } from '../port.ts';
import type { TrivoreApi } from './api.ts';
import { createLimiter } from './limiter.ts';
import { listGroups } from './list-groups.ts';
import { listUsers } from './list-users.ts';
import { toCanonicalGroup } from './mapping.ts';
import { countMembers, danglingMembershipWarning } from './memberships.ts';

export interface ExportSettings {
  /** `count` asked for on every page. */
  readonly pageSize: number;
  /** Requests in flight at most, across both listings. */
  readonly concurrency: number;
}

function withWarning(report: ListingReport, warning: string | undefined): ListingReport {
  return warning === undefined ? report : { ...report, warnings: [...(report.warnings ?? []), warning] };
}

/**
 * Every user and group of the server. Both listings page side by side and share one bound of
 * `concurrency` requests in flight. When one fails for good the other abandons its requests at
 * once, and the first failure is thrown. Users are handed to the observer once, sorted, when the
 * export has ended: an offset listing may be read twice and only a read that adds up is kept, so
 * nothing read earlier can be promised to be in the result.
 */
export async function exportSite(
  api: TrivoreApi,
  settings: ExportSettings,
  observer?: ExportObserver,
): Promise<ProviderExport> {
  const stop = new AbortController();
  const stopOnFailure = (error: unknown): never => {
    if (!stop.signal.aborted) stop.abort(error);
    throw error;
  };
  const scoped = api.scoped(stop.signal, createLimiter(settings.concurrency));
  const [users, groups] = await Promise.allSettled([
    listUsers(scoped, settings, observer, stop.signal).catch(stopOnFailure),
    listGroups(scoped, settings, observer, stop.signal).catch(stopOnFailure),
  ]);
  if (users.status === 'rejected' || groups.status === 'rejected') throw stop.signal.reason;

  const canonicalUsers = users.value.records.sort((a, b) => compareKeys(a.key, b.key));
  const members = countMembers(canonicalUsers);
  const canonicalGroups = groups.value.records
    .map(({ record, raw }) => toCanonicalGroup(record, raw, members.get(record.id) ?? 0))
    .sort((a, b) => compareKeys(a.key, b.key));
  // Only a complete groups listing can say a group does not exist; an incomplete one already says why.
  const dangling = groups.value.report.complete
    ? danglingMembershipWarning(members, new Set(canonicalGroups.map((group) => group.key)))
    : undefined;
  observer?.users?.(canonicalUsers);

  return {
    users: canonicalUsers,
    groups: canonicalGroups,
    listings: { users: withWarning(users.value.report, dangling), groups: groups.value.report },
  };
}
