import type { SiteConfig } from '../config/schema.ts';
import type { Connector, ProviderAdapter } from '../providers/port.ts';
import type { Clock } from '../shared/clock.ts';
import { SiteError } from '../shared/errors.ts';
import type { ExportObserver, ListingReport } from '../shared/export-model.ts';
import type { Capabilities } from '../shared/model.ts';
import {
  runCheckpointKey,
  runIdFor,
  runLeaseKey,
  runWorkPrefix,
  siteSnapshotsPrefix,
  siteWorkPrefix,
} from '../snapshot/layout.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { defaultSpillSettings, type SpillSettings } from '../snapshot/spill/spill-directory.ts';
import {
  reuseCompleteSnapshot,
  type WriteSnapshotResult,
  writeSnapshot,
} from '../snapshot/write-snapshot.ts';
import { acquireLease, type Lease, type LeaseOptions } from '../store/lease.ts';
import type { ObjectStore } from '../store/port.ts';
import { describeCause } from '../store/store-error.ts';
import { type ConnectDeps, connectSite, originOf } from './connect-site.ts';
import { type SiteFailure, siteFailure } from './site-failure.ts';
import { describeProgress, readCheckpoint } from './slices/checkpoint.ts';
import { SliceRun } from './slices/slice-run.ts';

export interface ExportDeps extends ConnectDeps {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly progress?: (siteId: string) => ExportObserver | undefined;
  /** Where users are sorted when an API does not page in key order; default the OS's temp dir, 64 MB. */
  readonly spill?: SpillSettings;
  /** The run's lease: how long it lives unrenewed, how long to wait for another export's. */
  readonly lease?: Pick<LeaseOptions, 'ttlMs' | 'waitMs' | 'sleep'>;
  /**
   * This invocation's time budget (a Lambda passes its remaining time minus a margin that covers
   * writing one part and the checkpoint). Checked before each page: once it is spent, the export
   * makes what it read durable and returns `in-progress`. Absent: unlimited (the CLI).
   */
  readonly slice?: { remainingMs(): number };
  /** Discard the run's checkpoint, if any, and export from the beginning. */
  readonly restart?: boolean;
  /** When a part of the responses read is made durable, for crash tests; see SliceRunOptions. */
  readonly checkpointEvery?: { readonly bytes?: number; readonly ms?: number };
}

/** A temporary file untouched this long was left by a writer that crashed. */
const ABANDONED_WRITE_AGE_MS = 6 * 60 * 60 * 1000;

export type SiteExportResult =
  | {
      readonly site: string;
      readonly provider: string;
      readonly runId: string;
      readonly status: 'complete' | 'incomplete';
      readonly reason?: string;
      readonly counts: Manifest['counts'];
      readonly source: Readonly<Record<string, ListingReport>>;
      readonly manifestKey: string;
      readonly manifestLocation: string;
      readonly latestMoved: boolean;
      /** Why latest.json did not move although the run is complete, or what invalid pointer it replaced. */
      readonly latestWarning?: string;
      /** The run was complete before this attempt, which therefore read and wrote nothing. */
      readonly alreadyComplete: boolean;
      /** Slices the export took, this one included (1 when it never stopped). */
      readonly slices: number;
      /** Where this slice resumed a checkpoint, e.g. "users page 1,204 of ~2,500". */
      readonly resumedAt?: string;
      /** Why a checkpoint found was not used (the export started from the beginning). */
      readonly checkpointWarning?: string;
      readonly seconds: number;
    }
  | {
      readonly site: string;
      readonly provider: string;
      readonly runId: string;
      /** The budget ran out: call again with the same site and scheduled time to go on. */
      readonly status: 'in-progress';
      readonly checkpointKey: string;
      readonly slices: number;
      /** How far the export got, e.g. "users page 1,204 of ~2,500". */
      readonly progress: string;
      readonly resumedAt?: string;
      readonly checkpointWarning?: string;
      readonly seconds: number;
    }
  | ({
      readonly site: string;
      readonly provider: string;
      readonly runId: string;
      readonly seconds: number;
    } & SiteFailure);

/**
 * Exports one site: lists everything through its provider adapter, writes the snapshot and
 * moves latest.json only when the run is complete. One writer per run: the run is written under
 * its lease (`work/site=<site>/run=<runId>/lease.json`); an export that finds another one
 * writing the run waits briefly, then refuses (a `busy` failure), and one that finds the run
 * complete and verified writes nothing. A failure of this site is returned, not thrown, so the
 * other sites of a run still export.
 */
export async function exportSite<Credentials>(
  site: SiteConfig,
  adapter: ProviderAdapter<Credentials>,
  credentials: Credentials,
  scheduledAt: Date,
  deps: ExportDeps,
): Promise<SiteExportResult> {
  const startedAt = deps.clock.now();
  const runId = runIdFor(scheduledAt);
  const seconds = () => (deps.clock.now().getTime() - startedAt.getTime()) / 1000;
  const progress = deps.progress?.(site.id);
  try {
    const reused = await reuseCompleteSnapshot(deps.store, site.id, runId, deps.clock);
    const written = reused
      ? { written: reused, alreadyComplete: true, slices: 1 }
      : await exportSlice(site, adapter, credentials, scheduledAt, { startedAt, progress, deps });
    const notes = {
      ...(written.resumedAt === undefined ? {} : { resumedAt: written.resumedAt }),
      ...(written.checkpointWarning === undefined ? {} : { checkpointWarning: written.checkpointWarning }),
    };
    if ('inProgress' in written) {
      return {
        site: site.id,
        provider: site.provider,
        runId,
        status: 'in-progress',
        checkpointKey: written.inProgress.checkpointKey,
        slices: written.slices,
        progress: written.inProgress.progress,
        ...notes,
        seconds: seconds(),
      };
    }
    const { manifest } = written.written;
    return {
      site: site.id,
      provider: site.provider,
      runId,
      status: manifest.status,
      ...(manifest.reason === undefined ? {} : { reason: manifest.reason }),
      counts: manifest.counts,
      source: manifest.source,
      manifestKey: written.written.manifestKey,
      manifestLocation: deps.store.locate(written.written.manifestKey),
      latestMoved: written.written.latestMoved,
      ...(written.written.latestWarning === undefined
        ? {}
        : { latestWarning: written.written.latestWarning }),
      alreadyComplete: written.alreadyComplete,
      slices: written.slices,
      ...notes,
      seconds: seconds(),
    };
  } catch (error) {
    return {
      site: site.id,
      provider: site.provider,
      runId,
      seconds: seconds(),
      ...siteFailure(site.id, error),
    };
  } finally {
    progress?.finish?.();
  }
}

/** What one slice came to: the run written (or found written), or a checkpoint to go on from. */
type SliceOutcome = {
  readonly slices: number;
  readonly resumedAt?: string;
  readonly checkpointWarning?: string;
} & (
  | { readonly written: WriteSnapshotResult; readonly alreadyComplete: boolean }
  | { readonly inProgress: { readonly checkpointKey: string; readonly progress: string } }
);

/** The slice ended at its budget: nothing of the snapshot is written, the checkpoint is. */
class SliceEnded extends Error {}

/**
 * One slice of the run's export, under the run's lease. It resumes the run's checkpoint (taking
 * the lease over as the holder the checkpoint names: the lease outlives a slice), replays what
 * earlier slices read, and pages on until the budget is spent — then makes what it read durable,
 * keeps the lease for the next slice and returns `inProgress` — or to the end, and then writes
 * the snapshot exactly as an export in one go would and removes the checkpoint and its parts.
 */
async function exportSlice<Credentials>(
  site: SiteConfig,
  adapter: ProviderAdapter<Credentials>,
  credentials: Credentials,
  scheduledAt: Date,
  run: { readonly startedAt: Date; readonly progress: ExportObserver | undefined; readonly deps: ExportDeps },
): Promise<SliceOutcome> {
  const { deps, progress } = run;
  const runId = runIdFor(scheduledAt);
  const identity = {
    site: site.id,
    provider: site.provider,
    origin: originOf(site, adapter, credentials),
    runId,
  };
  const found = deps.restart
    ? undefined
    : await storeStep(site.id, () => readCheckpoint(deps.store, identity, deps.clock.now()));
  // A budgeted call is the next slice of a chain (the state machine): it takes the lease over
  // from the slice before, alive or dead. An export without a budget (a person's) waits for the
  // lease to be released or to expire like any other writer, and then resumes the checkpoint.
  const resumeAs =
    deps.slice !== undefined && found !== undefined && 'checkpoint' in found
      ? found.checkpoint.holder
      : undefined;
  const lease = await acquireLease({ ...runLease(site.id, runId, deps), ...(resumeAs ? { resumeAs } : {}) });
  try {
    // Another export may have finished the run while this one waited for the lease.
    const reused = await reuseCompleteSnapshot(deps.store, site.id, runId, deps.clock);
    if (reused) {
      await removeRunWork(deps.store, site.id, runId);
      return { written: reused, alreadyComplete: true, slices: 1 };
    }
    await removeAbandonedWrites(deps, site.id, run.startedAt);
    const slice = await storeStep(site.id, () =>
      SliceRun.open({
        store: deps.store,
        identity,
        clock: deps.clock,
        spill: deps.spill ?? defaultSpillSettings(),
        ...(deps.slice === undefined ? {} : { remainingMs: () => deps.slice?.remainingMs() ?? 1 }),
        restart: deps.restart === true,
        holder: lease.holder,
        confirmWriter: () => lease.confirm(),
        ...(deps.checkpointEvery?.bytes === undefined ? {} : { partBytes: deps.checkpointEvery.bytes }),
        ...(deps.checkpointEvery?.ms === undefined ? {} : { partEveryMs: deps.checkpointEvery.ms }),
      }),
    );
    const notes = {
      slices: slice.slice,
      ...(slice.resumedFrom === undefined ? {} : { resumedAt: describeProgress(slice.resumedFrom.progress) }),
      ...(slice.discarded === undefined ? {} : { checkpointWarning: slice.discarded }),
    };
    try {
      const written = await writeSlice(
        connectSite(site, adapter, credentials, deps, (http) => slice.client(http)),
        site,
        adapter,
        scheduledAt,
        {
          slice,
          observer: slice.observer(progress),
          lease,
          deps,
        },
      );
      await storeStep(site.id, () => slice.removeWork());
      return { written, alreadyComplete: false, ...notes };
    } catch (error) {
      if (!(error instanceof SliceEnded)) {
        // A failed export starts again from the beginning: its checkpoint would replay the
        // failure (a refused key, a missing API) after it was put right.
        await slice.removeWork().catch(() => undefined);
        throw error;
      }
      const checkpoint = await storeStep(site.id, () => slice.persist());
      lease.handOver();
      return {
        inProgress: {
          checkpointKey: runCheckpointKey(site.id, runId),
          progress: describeProgress(checkpoint.progress),
        },
        ...notes,
      };
    } finally {
      await slice.close();
    }
  } finally {
    await lease.release();
  }
}

/** Lists the site into the run's snapshot: users streamed into the writer's sink as they page. */
function writeSlice(
  connector: Connector,
  site: SiteConfig,
  adapter: { readonly displayName: string; readonly capabilities: Capabilities },
  scheduledAt: Date,
  run: {
    readonly slice: SliceRun;
    readonly observer: ExportObserver;
    readonly lease: Lease;
    readonly deps: ExportDeps;
  },
): Promise<WriteSnapshotResult> {
  const { slice, observer, lease, deps } = run;
  return writeSnapshot({
    store: deps.store,
    site: site.id,
    provider: site.provider,
    providerName: adapter.displayName,
    capabilities: adapter.capabilities,
    origin: slice.identity.origin,
    runId: runIdFor(scheduledAt),
    scheduledAt,
    startedAt: slice.startedAt,
    slices: slice.slice,
    clock: deps.clock,
    toolVersion: deps.toolVersion,
    spill: deps.spill ?? defaultSpillSettings(),
    observer,
    confirmWriter: () => lease.confirm(),
    exportInto: async (target) => {
      // However the connector took the refused request (an error, an incomplete listing), a
      // slice whose budget ran out writes no snapshot.
      const data = await connector.exportAll(target).catch((error: unknown) => {
        throw slice.budgetSpent ? new SliceEnded() : error;
      });
      if (slice.budgetSpent) throw new SliceEnded();
      await slice.durable();
      const failure = slice.failure();
      if (failure !== undefined) throw failure;
      return data;
    },
  });
}

/** The checkpoint and parts of a run whose snapshot is complete: left by a slice that stopped after it. */
async function removeRunWork(store: ObjectStore, site: string, runId: string): Promise<void> {
  if (store.remove === undefined) return;
  const prefix = runWorkPrefix(site, runId);
  for await (const key of store.list(prefix)) {
    if (key !== runLeaseKey(site, runId)) await store.remove(key);
  }
}

/** Runs a store call; any failure becomes the site's `store` error, naming the site and keeping the cause. */
async function storeStep<T>(site: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    if (cause instanceof SiteError) throw cause;
    throw new SiteError('store', `site ${site}: ${describeCause(cause)}`, { cause });
  }
}

/** The lease that makes an export the run's only writer. */
export function runLease(site: string, runId: string, deps: ExportDeps): LeaseOptions {
  return {
    store: deps.store,
    key: runLeaseKey(site, runId),
    clock: deps.clock,
    site,
    subject: `run ${runId} of site ${site}`,
    purpose: 'export',
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    ...deps.lease,
  };
}

/** Temporary files of writes that crashed, under the site's snapshots and unfinished runs. */
async function removeAbandonedWrites(deps: ExportDeps, site: string, now: Date): Promise<void> {
  const before = new Date(now.getTime() - ABANDONED_WRITE_AGE_MS);
  for (const prefix of [siteSnapshotsPrefix(site), siteWorkPrefix(site)])
    await deps.store.removeAbandonedWrites?.(prefix, before);
}
