import type { SiteConfig } from '../config/schema.ts';
import { diffSnapshots } from '../diff/diff-snapshots.ts';
import type { SnapshotDiff } from '../diff/model.ts';
import { type SiteFailure, siteFailure } from '../export/site-failure.ts';
import { listRuns, type StoredRun } from '../snapshot/list-runs.ts';
import { readLatest } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { type LoadedSnapshot, loadVerifiedSnapshot } from './load-snapshot.ts';
import { describeRuns, missingRunReason } from './run-messages.ts';

export type RunsDiffResult =
  | { readonly site: string; readonly status: 'compared'; readonly diff: SnapshotDiff }
  | { readonly site: string; readonly status: 'refused'; readonly reason: string }
  | { readonly site: string; readonly status: 'missing'; readonly reason: string }
  | ({ readonly site: string } & SiteFailure);

/**
 * What changed between two runs of a site, whatever lies between them. Both snapshots must be
 * complete and match their manifests, unless `allowIncomplete`.
 */
export async function diffRuns(
  site: SiteConfig,
  fromRunId: string,
  toRunId: string,
  options: { readonly allowIncomplete?: boolean },
  store: ObjectStore,
): Promise<RunsDiffResult> {
  try {
    const runs = await listRuns(store, site.id);
    const find = (runId: string) => runs.find((run) => run.runId === runId);
    const [from, to] = [find(fromRunId), find(toRunId)];
    if (!from || !to) {
      const missing = (from ? toRunId : fromRunId) as string;
      const latest = await readLatest(store, site.id);
      return {
        site: site.id,
        status: 'missing',
        reason: missingRunReason(site.id, missing, await describeRuns(store, runs), latest?.runId),
      };
    }
    const sides = await Promise.all([load(store, from, options), load(store, to, options)]);
    for (const side of sides)
      if ('reason' in side) return { site: site.id, status: 'refused', reason: side.reason };
    const [before, after] = sides as [LoadedSnapshot, LoadedSnapshot];
    return {
      site: site.id,
      status: 'compared',
      diff: diffSnapshots(
        { runId: fromRunId, users: before.users, groups: before.groups },
        { runId: toRunId, users: after.users, groups: after.groups },
        site.audit.massChangeThreshold,
      ),
    };
  } catch (error) {
    return { site: site.id, ...siteFailure(site.id, error) };
  }
}

async function load(
  store: ObjectStore,
  run: StoredRun,
  options: { readonly allowIncomplete?: boolean },
): Promise<LoadedSnapshot | { reason: string }> {
  const loaded = await loadVerifiedSnapshot(store, run.manifestKey);
  const { manifest, problems } = loaded.verification;
  if (!options.allowIncomplete) {
    if (manifest.status !== 'complete')
      return {
        reason: `run ${run.runId} is incomplete (${manifest.reason ?? 'see its manifest'}); compare it anyway with --allow-incomplete.`,
      };
    if (problems.length > 0)
      return {
        reason: `the files of run ${run.runId} do not match its manifest: ${problems.join('; ')}; compare it anyway with --allow-incomplete.`,
      };
  }
  if ('loadError' in loaded) throw loaded.loadError;
  return loaded.snapshot;
}
