import { churnBaseline } from '../diff/churn-baseline.ts';
import type { ChurnBaseline } from '../diff/model.ts';
import { reportFiles, reportRunPrefix } from '../reports/layout.ts';
import type { HistoryPoint } from '../reports/report-model.ts';
import { type Summary, summarySchema } from '../reports/summary.ts';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import type { StoredRun } from '../snapshot/list-runs.ts';
import { readManifestAt } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';

/** How many of a site's recent runs the report's history chart shows. */
export const HISTORY_RUNS = 30;

/**
 * Users and FAIL findings of the site's recent complete runs before this one, oldest first, from
 * their manifests and the summary.json their audits wrote. A summary that cannot be read (never
 * audited, or written by another version) leaves that point without findings, never fails the audit.
 */
export async function recentHistory(
  store: ObjectStore,
  site: string,
  runs: readonly StoredRun[],
  beforeRunId: string,
): Promise<HistoryPoint[]> {
  const earlier = runs.filter((run) => run.runId < beforeRunId);
  const points = await mapWithConcurrency(earlier.slice(-HISTORY_RUNS * 2), 8, async (run) => {
    const manifest = await readManifestAt(store, run.manifestKey).catch(() => undefined);
    if (manifest?.status !== 'complete') return undefined;
    const summary = await readSummary(store, site, run.runId);
    const verdict = summary?.verdict;
    return {
      runId: run.runId,
      scheduledAt: manifest.scheduledAt,
      users: manifest.counts.users,
      failsBySeverity: summary?.findings.failsBySeverity ?? null,
      ...(verdict
        ? {
            churn: {
              runId: run.runId,
              removedUsers: verdict.removedUsers,
              lostMemberships: verdict.lostMemberships,
              suspect: verdict.status === 'suspect',
            },
          }
        : {}),
    } satisfies HistoryPoint;
  });
  // 30 earlier runs: the churn baseline's nights; the chart shows the last 29 of them and this one.
  return points.filter((point) => point !== undefined).slice(-HISTORY_RUNS);
}

/** The run's summary.json: small, so reading 30 of them is cheap where 30 snapshots would not be. */
async function readSummary(store: ObjectStore, site: string, runId: string): Promise<Summary | null> {
  try {
    const bytes = await store.get(`${reportRunPrefix(site, runId)}${reportFiles.summary}`);
    if (!bytes) return null;
    const parsed = summarySchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The site's normal churn from its recent nights (see churn-baseline.ts): nights never compared have none. */
export function churnBaselineOf(history: readonly HistoryPoint[]): ChurnBaseline {
  return churnBaseline(history.flatMap((point) => (point.churn ? [point.churn] : [])));
}
