import type { SiteConfig } from '../config/schema.ts';
import type { Connector, ProviderAdapter } from '../providers/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { ExportObserver, ListingReport } from '../shared/export-model.ts';
import type { Capabilities } from '../shared/model.ts';
import { runIdFor, runLeaseKey, siteSnapshotsPrefix, siteWorkPrefix } from '../snapshot/layout.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { defaultSpillSettings, type SpillSettings } from '../snapshot/spill/spill-directory.ts';
import {
  reuseCompleteSnapshot,
  type WriteSnapshotResult,
  writeSnapshot,
} from '../snapshot/write-snapshot.ts';
import { type Lease, type LeaseOptions, withLease } from '../store/lease.ts';
import type { ObjectStore } from '../store/port.ts';
import { type ConnectDeps, connectSite, originOf } from './connect-site.ts';
import { type SiteFailure, siteFailure } from './site-failure.ts';

export interface ExportDeps extends ConnectDeps {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly progress?: (siteId: string) => ExportObserver | undefined;
  /** Where users are sorted when an API does not page in key order; default the OS's temp dir, 64 MB. */
  readonly spill?: SpillSettings;
  /** The run's lease: how long it lives unrenewed, how long to wait for another export's. */
  readonly lease?: Pick<LeaseOptions, 'ttlMs' | 'waitMs' | 'sleep'>;
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
    let reused = await reuseCompleteSnapshot(deps.store, site.id, runId, deps.clock);
    const written =
      reused ??
      (await withLease(runLease(site.id, runId, deps), async (lease) => {
        // Another export may have finished the run while this one waited for the lease.
        reused = await reuseCompleteSnapshot(deps.store, site.id, runId, deps.clock);
        if (reused) return reused;
        await removeAbandonedWrites(deps, site.id, startedAt);
        return listAndWriteSnapshot(
          connectSite(site, adapter, credentials, deps),
          site,
          adapter,
          scheduledAt,
          {
            origin: originOf(site, adapter, credentials),
            startedAt,
            progress,
            lease,
            deps,
          },
        );
      }));
    const { manifest } = written;
    return {
      site: site.id,
      provider: site.provider,
      runId,
      status: manifest.status,
      ...(manifest.reason === undefined ? {} : { reason: manifest.reason }),
      counts: manifest.counts,
      source: manifest.source,
      manifestKey: written.manifestKey,
      manifestLocation: deps.store.locate(written.manifestKey),
      latestMoved: written.latestMoved,
      ...(written.latestWarning === undefined ? {} : { latestWarning: written.latestWarning }),
      alreadyComplete: reused !== undefined,
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

/** Lists the site into the run's snapshot: users streamed into the writer's sink as they page. */
function listAndWriteSnapshot(
  connector: Connector,
  site: SiteConfig,
  adapter: { readonly displayName: string; readonly capabilities: Capabilities },
  scheduledAt: Date,
  run: {
    readonly origin: string;
    readonly startedAt: Date;
    readonly progress: ExportObserver | undefined;
    readonly lease: Lease;
    readonly deps: ExportDeps;
  },
): Promise<WriteSnapshotResult> {
  const { origin, startedAt, progress, lease, deps } = run;
  return writeSnapshot({
    store: deps.store,
    site: site.id,
    provider: site.provider,
    providerName: adapter.displayName,
    capabilities: adapter.capabilities,
    origin,
    runId: runIdFor(scheduledAt),
    scheduledAt,
    startedAt,
    clock: deps.clock,
    toolVersion: deps.toolVersion,
    spill: deps.spill ?? defaultSpillSettings(),
    ...(progress === undefined ? {} : { observer: progress }),
    confirmWriter: () => lease.confirm(),
    exportInto: (target) => connector.exportAll(target),
  });
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
