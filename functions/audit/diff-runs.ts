import type { SiteConfig } from '../config/schema.ts';
import { collectDiff } from '../diff/collect-diff.ts';
import type { SnapshotDiff } from '../diff/model.ts';
import { walkByKey } from '../diff/sorted-walk.ts';
import { userDiffer } from '../diff/user-differ.ts';
import { type SiteFailure, siteFailure } from '../export/site-failure.ts';
import { listRuns, type StoredRun } from '../snapshot/list-runs.ts';
import {
  readGroupFields,
  readLatest,
  readUserFieldBatches,
  runPrefixOf,
  verifySnapshot,
} from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { describeRuns, missingRunReason } from './run-messages.ts';

export type RunsDiffResult =
  | { readonly site: string; readonly status: 'compared'; readonly diff: SnapshotDiff }
  | { readonly site: string; readonly status: 'refused'; readonly reason: string }
  | { readonly site: string; readonly status: 'missing'; readonly reason: string }
  | ({ readonly site: string } & SiteFailure);

/**
 * What changed between two runs of a site, whatever lies between them. Both snapshots must be
 * complete and match their manifests, unless `allowIncomplete`. The snapshots are walked side by
 * side, never loaded; the changes themselves are kept, because the command prints them all.
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
    for (const run of [from, to]) {
      const reason = await refusal(store, run, options);
      if (reason !== undefined) return { site: site.id, status: 'refused', reason };
    }
    const [before, after] = await Promise.all([from, to].map((run) => collectGroups(store, run)));
    const collected = collectDiff();
    const differ = userDiffer(
      { runId: fromRunId, groups: before ?? [] },
      { runId: toRunId, groups: after ?? [] },
      site.audit.massChangeThreshold,
      collected,
    );
    const sides = [from, to].map((run) => ({
      batches: readUserFieldBatches(store, runPrefixOf(run.manifestKey)),
      what: 'users',
      runId: run.runId,
    }));
    await walkByKey(sides, ([was, is]) => differ.step(was, is));
    return { site: site.id, status: 'compared', diff: collected.diff(differ.finish()) };
  } catch (error) {
    return { site: site.id, ...siteFailure(site.id, error) };
  }
}

/** Why a run cannot be compared (incomplete, or its files do not match), or undefined. */
async function refusal(
  store: ObjectStore,
  run: StoredRun,
  options: { readonly allowIncomplete?: boolean },
): Promise<string | undefined> {
  const { manifest, problems } = await verifySnapshot(store, run.manifestKey);
  if (options.allowIncomplete) return undefined;
  if (manifest.status !== 'complete')
    return `run ${run.runId} is incomplete (${manifest.reason ?? 'see its manifest'}); compare it anyway with --allow-incomplete.`;
  if (problems.length > 0)
    return `the files of run ${run.runId} do not match its manifest: ${problems.join('; ')}; compare it anyway with --allow-incomplete.`;
  return undefined;
}

async function collectGroups(store: ObjectStore, run: StoredRun) {
  const groups = [];
  for await (const group of readGroupFields(store, runPrefixOf(run.manifestKey))) groups.push(group);
  return groups;
}
