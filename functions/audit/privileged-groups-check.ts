import type { SiteConfig } from '../config/schema.ts';
import { readGroupFields, readLatest, runPrefixOf } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { unmatchedNames, unmatchedPrivilegedGroupWarnings } from './privileged.ts';

/** What `validate` can say of a site's `audit.privilegedGroups`. */
export interface PrivilegedGroupsCheck {
  /** The run whose groups the names were checked against; absent when the site has no complete run yet. */
  readonly checkedAgainst?: string;
  readonly warnings: readonly string[];
}

/**
 * Checks the configured privileged group names against the groups of the site's latest complete
 * snapshot: `validate` makes one cheap call per site and lists no groups, while the store already
 * holds them. A site never exported has nothing to check against, which is said too.
 */
export async function checkPrivilegedGroups(
  store: ObjectStore,
  site: SiteConfig,
): Promise<PrivilegedGroupsCheck> {
  const configured = site.audit.privilegedGroups;
  if (configured.length === 0) return { warnings: [] };
  const latest = await readLatest(store, site.id);
  if (latest === undefined) return { warnings: [] };
  const names = new Map<string, string>();
  for await (const group of readGroupFields(store, runPrefixOf(latest.key))) names.set(group.key, group.name);
  return {
    checkedAgainst: latest.runId,
    warnings: unmatchedPrivilegedGroupWarnings(site.id, unmatchedNames(configured, names)),
  };
}
