import * as z from 'zod';
import { snapshotRunPrefix } from '../snapshot/layout.ts';
import { listRuns } from '../snapshot/list-runs.ts';
import { readGroupFields, readManifestAt, readUserFields } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { siteRestoresPrefix } from './records.ts';

/** The keys of a reference snapshot's users and groups that later snapshots show deleted. */
export interface DeletedInSnapshots {
  readonly users: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

interface ReferenceRecords {
  readonly users: readonly { readonly key: string; readonly status: string }[];
  readonly groups: readonly { readonly key: string }[];
}

/**
 * What was deleted since the reference run, in the snapshots' own terms: users and groups of the
 * reference that a later complete snapshot of the site no longer has (or, where the provider
 * "deletes" by disabling, has disabled while the reference had it active).
 *
 * Unlike "missing from the site now", this does not change when a restore puts part of it back,
 * so a restore that stopped halfway plans the rest on its next run: a group it re-created is still
 * selected, and gets back the members it does not have yet.
 */
export async function deletedInLaterSnapshots(
  store: ObjectStore,
  site: string,
  referenceRunId: string,
  reference: ReferenceRecords,
  deletesByDisabling: boolean,
): Promise<DeletedInSnapshots> {
  const users = new Set<string>();
  const groups = new Set<string>();
  const active = new Set(reference.users.filter((user) => user.status === 'active').map((user) => user.key));
  for (const run of await listRuns(store, site)) {
    if (run.runId <= referenceRunId) continue;
    const manifest = await readManifestAt(store, run.manifestKey);
    if (manifest?.status !== 'complete') continue;
    const prefix = snapshotRunPrefix(site, run.runId);

    const present = new Set<string>();
    for await (const user of readUserFields(store, prefix)) {
      const disabledSinceActive = deletesByDisabling && user.status === 'disabled' && active.has(user.key);
      if (!disabledSinceActive) present.add(user.key);
    }
    for (const user of reference.users) if (!present.has(user.key)) users.add(user.key);

    present.clear();
    for await (const group of readGroupFields(store, prefix)) present.add(group.key);
    for (const group of reference.groups) if (!present.has(group.key)) groups.add(group.key);
  }
  return { users, groups };
}

/** What rollcall reads of an earlier restore's plan.json; older plans lack `deletedSinceKeys`. */
const earlierPlanSchema = z.object({
  fromRunId: z.string(),
  selection: z.object({ deletedSince: z.string().nullable() }),
  deletedSinceKeys: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }).optional(),
});

/**
 * What earlier applied restores from the same run with the same `--deleted-since` selected: a
 * restore that stopped halfway re-created some of it, so "missing from the site now" no longer
 * finds it, yet its memberships may still be missing. Their plans keep the keys.
 */
export async function deletedInEarlierRestores(
  store: ObjectStore,
  site: string,
  fromRunId: string,
  referenceRunId: string,
): Promise<DeletedInSnapshots> {
  const users = new Set<string>();
  const groups = new Set<string>();
  for await (const key of store.list(siteRestoresPrefix(site))) {
    if (!key.endsWith('/plan.json')) continue;
    const bytes = await store.get(key);
    if (bytes === undefined) continue;
    let plan: z.infer<typeof earlierPlanSchema>;
    try {
      plan = earlierPlanSchema.parse(JSON.parse(bytes.toString('utf8')));
    } catch {
      continue; // not a plan this version wrote: it cannot say what was selected
    }
    if (plan.fromRunId !== fromRunId || plan.selection.deletedSince !== referenceRunId) continue;
    for (const user of plan.deletedSinceKeys?.users ?? []) users.add(user);
    for (const group of plan.deletedSinceKeys?.groups ?? []) groups.add(group);
  }
  return { users, groups };
}
