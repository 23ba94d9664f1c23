import { reportFiles, siteReportsPrefix } from '../reports/layout.ts';
import { type SeverityCounts, summarySchema } from '../reports/summary.ts';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { scheduledAtOf, siteSnapshotsPrefix, snapshotFiles } from '../snapshot/layout.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { readLatest, readManifestAt } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { FAILURE_RECORD_FILE, readFailureRecordAt } from './failure-record.ts';

/** How many manifests and summaries are read at once: a few round trips to S3 for a year of runs. */
const READS_IN_FLIGHT = 16;

export type SiteRunStatus = 'complete' | 'incomplete' | 'failed' | 'in progress' | 'unreadable';

/** One run of a site as `rollcall runs` shows it, read from its manifest, failure record and summary. */
export interface SiteRun {
  readonly runId: string;
  readonly scheduledAt: string;
  readonly status: SiteRunStatus;
  /** Why a run is incomplete, failed or unreadable. */
  readonly reason?: string;
  readonly counts?: Manifest['counts'];
  /** The run has an audit's summary.json. */
  readonly audited: boolean;
  /** FAIL findings per severity, when audited. */
  readonly fails?: SeverityCounts;
  /** latest.json names this run. */
  readonly latest: boolean;
}

export interface SiteRuns {
  readonly site: string;
  /** The run latest.json names, if any. */
  readonly latestRunId: string | null;
  /** Newest first. */
  readonly runs: readonly SiteRun[];
}

interface RunKeys {
  manifest?: string;
  failure?: string;
  summary?: string;
}

const RUN_FILE = /^date=\d{4}-\d{2}-\d{2}\/run=(\d{8}T\d{6}Z)\/(.+)$/;

/**
 * Every run of a site, newest first. Reads two listings (the site's snapshots and reports),
 * latest.json, and per run only its manifest or failure record and, when audited, its summary.
 */
export async function listSiteRuns(store: ObjectStore, site: string): Promise<SiteRuns> {
  const byRun = new Map<string, RunKeys>();
  const entry = (runId: string) => byRun.get(runId) ?? byRun.set(runId, {}).get(runId) ?? {};
  await collect(store, siteSnapshotsPrefix(site), (runId, file, key) => {
    if (file === snapshotFiles.manifest) entry(runId).manifest = key;
    else if (file === FAILURE_RECORD_FILE) entry(runId).failure = key;
    else entry(runId);
  });
  await collect(store, siteReportsPrefix(site), (runId, file, key) => {
    // Reports of a run whose snapshot is gone say nothing about a run that `runs` can show.
    if (file === reportFiles.summary && byRun.has(runId)) entry(runId).summary = key;
  });
  const latest = await readLatest(store, site).catch(() => undefined);
  const runIds = [...byRun.keys()].sort().reverse();
  const runs = await mapWithConcurrency(runIds, READS_IN_FLIGHT, (runId) =>
    readRun(store, runId, byRun.get(runId) ?? {}, latest?.runId === runId),
  );
  return { site, latestRunId: latest?.runId ?? null, runs };
}

async function collect(
  store: ObjectStore,
  prefix: string,
  onFile: (runId: string, file: string, key: string) => void,
): Promise<void> {
  for await (const key of store.list(prefix)) {
    const match = RUN_FILE.exec(key.slice(prefix.length));
    if (match?.[1] !== undefined && match[2] !== undefined) onFile(match[1], match[2], key);
  }
}

async function readRun(store: ObjectStore, runId: string, keys: RunKeys, latest: boolean): Promise<SiteRun> {
  const [manifest, failure, summary] = await Promise.all([
    keys.manifest === undefined ? undefined : readManifestAt(store, keys.manifest).catch(() => null),
    keys.failure === undefined ? undefined : readFailureRecordAt(store, keys.failure),
    keys.summary === undefined ? undefined : readSummaryFails(store, keys.summary),
  ]);
  const base = {
    runId,
    scheduledAt: scheduledAtOf(runId).toISOString(),
    audited: summary !== undefined,
    ...(summary === undefined ? {} : { fails: summary }),
    latest,
  };
  if (failure !== undefined && (manifest == null || failure.failedAt > manifest.finishedAt))
    return { ...base, status: 'failed', reason: failure.reason };
  if (manifest === null)
    return { ...base, status: 'unreadable', reason: 'its manifest.json is not one rollcall wrote' };
  if (manifest === undefined)
    return keys.failure === undefined
      ? {
          ...base,
          status: 'in progress',
          reason: 'no manifest yet: an export is writing it, or stopped before it finished',
        }
      : { ...base, status: 'unreadable', reason: `its ${FAILURE_RECORD_FILE} is not one rollcall wrote` };
  return {
    ...base,
    status: manifest.status,
    ...(manifest.status === 'incomplete' ? { reason: manifest.reason ?? 'see its manifest' } : {}),
    counts: manifest.counts,
  };
}

async function readSummaryFails(store: ObjectStore, key: string): Promise<SeverityCounts | undefined> {
  const bytes = await store.get(key).catch(() => undefined);
  if (bytes === undefined) return undefined;
  try {
    const parsed = summarySchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data.findings.failsBySeverity : undefined;
  } catch {
    return undefined;
  }
}
