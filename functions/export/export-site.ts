import type { SiteConfig } from '../config/schema.ts';
import type { ProviderAdapter } from '../providers/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { ExportObserver, ListingReport } from '../shared/export-model.ts';
import { runIdFor } from '../snapshot/layout.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import type { SpillSettings } from '../snapshot/spill/spill-directory.ts';
import { reuseCompleteSnapshot } from '../snapshot/write-snapshot.ts';
import type { LeaseOptions } from '../store/lease.ts';
import type { ObjectStore } from '../store/port.ts';
import type { ConnectDeps } from './connect-site.ts';
import { exportSlice, type SliceOutcome } from './export-slice.ts';
import { type SiteFailure, siteFailure } from './site-failure.ts';
import { removeRunWork } from './slices/run-work.ts';

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
  readonly slice?: {
    remainingMs(): number;
    /**
     * The token of the chain of slices this one belongs to (the state machine passes the id of
     * the execution that started the run). Slices of one chain take the run's lease over from each
     * other; any other exporter — a duplicate execution — waits for it like every writer. Without
     * it, a slice resumes as the holder the checkpoint names (an in-process loop of slices).
     */
    readonly holder?: string;
  };
  /** Discard the run's checkpoint, if any, and export from the beginning. */
  readonly restart?: boolean;
  /**
   * A person stopped the export (Ctrl-C). It ends at its next request as at a spent budget: what
   * it read is made durable, the run's lease is released rather than kept for a next slice, and
   * the result is `in-progress` with `interrupted`; the same command run again resumes it. Sites
   * not yet started are not started.
   */
  readonly interrupt?: AbortSignal;
  /** When a part of the responses read is made durable, for crash tests; see SliceRunOptions. */
  readonly checkpointEvery?: { readonly bytes?: number; readonly ms?: number };
}

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
      /** What resuming cost this slice: answers replayed from the parts, seconds until it asked the site. */
      readonly replayed?: SliceOutcome['replayed'];
      readonly seconds: number;
    }
  | {
      readonly site: string;
      readonly provider: string;
      readonly runId: string;
      /** The budget ran out: call again with the same site and scheduled time to go on. */
      readonly status: 'in-progress';
      /** A person stopped it (ExportDeps.interrupt), rather than its time budget running out. */
      readonly interrupted: boolean;
      readonly checkpointKey: string;
      readonly slices: number;
      /** How far the export got, e.g. "users page 1,204 of ~2,500". */
      readonly progress: string;
      readonly resumedAt?: string;
      readonly checkpointWarning?: string;
      readonly replayed?: SliceOutcome['replayed'];
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
    if (reused) await removeRunWork(deps.store, site.id, runId);
    const written = reused
      ? { written: reused, alreadyComplete: true, slices: 1 }
      : await exportSlice(site, adapter, credentials, scheduledAt, { startedAt, progress, deps });
    const notes = {
      ...(written.resumedAt === undefined ? {} : { resumedAt: written.resumedAt }),
      ...(written.checkpointWarning === undefined ? {} : { checkpointWarning: written.checkpointWarning }),
      ...(written.replayed === undefined ? {} : { replayed: written.replayed }),
    };
    if ('inProgress' in written) {
      return {
        site: site.id,
        provider: site.provider,
        runId,
        status: 'in-progress',
        interrupted: written.inProgress.interrupted,
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
