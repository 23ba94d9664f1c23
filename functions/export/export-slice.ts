import type { SiteConfig } from '../config/schema.ts';
import type { Connector, ProviderAdapter } from '../providers/port.ts';
import { SiteError } from '../shared/errors.ts';
import type { ExportObserver } from '../shared/export-model.ts';
import type { Capabilities } from '../shared/model.ts';
import {
  runCheckpointKey,
  runIdFor,
  runLeaseKey,
  siteSnapshotsPrefix,
  siteWorkPrefix,
} from '../snapshot/layout.ts';
import { defaultSpillSettings } from '../snapshot/spill/spill-directory.ts';
import {
  reuseCompleteSnapshot,
  type WriteSnapshotResult,
  writeSnapshot,
} from '../snapshot/write-snapshot.ts';
import { acquireLease, type Lease, type LeaseOptions } from '../store/lease.ts';
import { describeCause } from '../store/store-error.ts';
import { connectSite, originOf } from './connect-site.ts';
import type { ExportDeps } from './export-site.ts';
import { isTransientFailure, siteFailure } from './site-failure.ts';
import { describeProgress, readCheckpoint } from './slices/checkpoint.ts';
import { removeRunWork } from './slices/run-work.ts';
import { SliceRun } from './slices/slice-run.ts';

/** A temporary file untouched this long was left by a writer that crashed. */
const ABANDONED_WRITE_AGE_MS = 6 * 60 * 60 * 1000;

/**
 * A slice that spent more than this share of itself (and over a minute) replaying what the
 * slices before it read leaves too little for new pages: each later slice would replay more and
 * page less, until the chain stood still. The export stops, keeping its checkpoint for the CLI.
 */
const MAX_REPLAY_SHARE = 0.5;
const MIN_REPLAY_SECONDS_TO_STOP = 60;

/** What one slice came to: the run written (or found written), or a checkpoint to go on from. */
export type SliceOutcome = {
  readonly slices: number;
  readonly resumedAt?: string;
  readonly checkpointWarning?: string;
  /** What resuming cost: the answers replayed from the parts, and the seconds until the first request. */
  readonly replayed?: { readonly answers: number; readonly seconds: number };
} & (
  | { readonly written: WriteSnapshotResult; readonly alreadyComplete: boolean }
  | {
      readonly inProgress: {
        readonly checkpointKey: string;
        readonly progress: string;
        readonly interrupted: boolean;
      };
    }
);

/** The slice ended at its budget: nothing of the snapshot is written, the checkpoint is. */
class SliceEnded extends Error {}

/**
 * One slice of the run's export, under the run's lease. It resumes the run's checkpoint (taking
 * the lease over as the holder the checkpoint names: the lease outlives a slice), replays what
 * earlier slices read, and pages on until the budget is spent — then makes what it read durable,
 * keeps the lease for the next slice and returns `inProgress` — or to the end, and then writes
 * the snapshot exactly as an export in one go would and removes the checkpoint and its parts.
 * A slice that fails on a transient error keeps what it read for its retry; one that fails for
 * good removes it; one a person interrupted keeps it and releases the lease.
 */
export async function exportSlice<Credentials>(
  site: SiteConfig,
  adapter: ProviderAdapter<Credentials>,
  credentials: Credentials,
  scheduledAt: Date,
  run: { readonly startedAt: Date; readonly progress: ExportObserver | undefined; readonly deps: ExportDeps },
): Promise<SliceOutcome> {
  const { deps, progress } = run;
  const budget = deps.slice;
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
    deps.slice?.holder ??
    (deps.slice !== undefined && found !== undefined && 'checkpoint' in found
      ? found.checkpoint.holder
      : undefined);
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
        ...sliceBudget(budget, deps.interrupt),
        restart: deps.restart === true,
        holder: lease.holder,
        confirmWriter: () => lease.confirm(),
        ...(deps.checkpointEvery?.bytes === undefined ? {} : { partBytes: deps.checkpointEvery.bytes }),
        ...(deps.checkpointEvery?.ms === undefined ? {} : { partEveryMs: deps.checkpointEvery.ms }),
      }),
    );
    const notes = () => {
      const replayed = slice.replayed();
      return {
        slices: slice.slice,
        ...(slice.resumedFrom === undefined
          ? {}
          : { resumedAt: describeProgress(slice.resumedFrom.progress) }),
        ...(slice.discarded === undefined ? {} : { checkpointWarning: slice.discarded }),
        ...(replayed === undefined ? {} : { replayed }),
      };
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
      await slice.removeWork();
      return { written, alreadyComplete: false, ...notes() };
    } catch (error) {
      if (!(error instanceof SliceEnded)) {
        // A retry after the site or the store was unreachable or overloaded resumes here. Any
        // other failure (a refused key, an API not enabled, a page that breaks its schema) starts
        // again from the beginning once it is put right: replaying would only repeat it.
        const failure = siteFailure(site.id, error);
        if (isTransientFailure(failure.failure))
          await slice.keepAfterFailure(failure.reason).catch(() => undefined);
        else await slice.removeWork().catch(() => undefined);
        throw error;
      }
      const outgrown = outgrownSlices(site.id, scheduledAt, slice);
      if (outgrown !== undefined) {
        await storeStep(site.id, () => slice.keepAfterFailure(outgrown.message));
        throw outgrown;
      }
      const checkpoint = await storeStep(site.id, () => slice.persist());
      // A slice whose budget ran out keeps the run for the next slice of its chain; one a person
      // interrupted releases it, so that the same command run again resumes at once.
      const interrupted = deps.interrupt?.aborted === true;
      if (!interrupted) lease.handOver();
      return {
        inProgress: {
          checkpointKey: runCheckpointKey(site.id, runId),
          progress: describeProgress(checkpoint.progress),
          interrupted,
        },
        ...notes(),
      };
    } finally {
      await slice.close();
    }
  } finally {
    await lease.release();
  }
}

/** Why the export cannot go on in slices, when this slice spent most of itself replaying. */
function outgrownSlices(siteId: string, scheduledAt: Date, slice: SliceRun): SiteError | undefined {
  const replayed = slice.replayed();
  const seconds = slice.elapsedSeconds();
  if (replayed === undefined || replayed.seconds < MIN_REPLAY_SECONDS_TO_STOP) return undefined;
  if (replayed.seconds <= MAX_REPLAY_SHARE * seconds) return undefined;
  return new SiteError(
    'too-large',
    `site ${siteId}: the export can no longer go on in slices: slice ${slice.slice} spent ${replayed.seconds.toFixed(0)} of its ${seconds.toFixed(0)} seconds replaying what the slices before it read. Its checkpoint is kept: finish the run with the CLI, which needs no slices (rollcall export --site ${siteId} --as-of ${scheduledAt.toISOString()}).`,
  );
}

/** The slice's budget: the invocation's time, cut short when a person interrupts the export. */
function sliceBudget(
  budget: ExportDeps['slice'],
  interrupt: AbortSignal | undefined,
): { remainingMs?: () => number } {
  if (interrupt === undefined) return budget === undefined ? {} : { remainingMs: () => budget.remainingMs() };
  return {
    remainingMs: () => (interrupt.aborted ? 0 : (budget?.remainingMs() ?? Number.POSITIVE_INFINITY)),
  };
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
      await storeStep(site.id, async () => {
        const failure = slice.failure();
        if (failure !== undefined) throw failure;
      });
      return data;
    },
  });
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
function runLease(site: string, runId: string, deps: ExportDeps): LeaseOptions {
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
