import type { SiteConfig } from '../config/schema.ts';
import type { Connector, ProviderAdapter } from '../providers/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { ExportObserver, ListingReport } from '../shared/export-model.ts';
import type { Capabilities } from '../shared/model.ts';
import { runIdFor } from '../snapshot/layout.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { defaultSpillSettings, type SpillSettings } from '../snapshot/spill/spill-directory.ts';
import {
  reuseCompleteSnapshot,
  type WriteSnapshotResult,
  writeSnapshot,
} from '../snapshot/write-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { type ConnectDeps, connectSite, originOf } from './connect-site.ts';
import { type SiteFailure, siteFailure } from './site-failure.ts';

export interface ExportDeps extends ConnectDeps {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly progress?: (siteId: string) => ExportObserver | undefined;
  /** Where users are sorted when an API does not page in key order; default the OS's temp dir, 64 MB. */
  readonly spill?: SpillSettings;
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
 * moves latest.json only when the run is complete. A failure of this site is returned, not
 * thrown, so the other sites of a run still export.
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
    const reused = await reuseCompleteSnapshot(deps.store, site.id, runId);
    const written =
      reused ??
      (await listAndWriteSnapshot(connectSite(site, adapter, credentials, deps), site, adapter, scheduledAt, {
        origin: originOf(site, adapter, credentials),
        startedAt,
        progress,
        deps,
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
    readonly deps: ExportDeps;
  },
): Promise<WriteSnapshotResult> {
  const { origin, startedAt, progress, deps } = run;
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
    exportInto: (target) => connector.exportAll(target),
  });
}
