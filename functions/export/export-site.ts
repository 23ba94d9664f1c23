import type { SiteConfig } from '../config/schema.ts';
import type { Connector, ExportObserver, ListingReport, ProviderAdapter } from '../providers/port.ts';
import type { Clock } from '../shared/clock.ts';
import { runIdFor, snapshotRunPrefix } from '../snapshot/layout.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { StreamedUserFiles } from '../snapshot/streamed-user-files.ts';
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
      (await listAndWriteSnapshot(connectSite(site, adapter, credentials, deps), site, scheduledAt, {
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

/**
 * Lists the site and writes its snapshot, streaming the users' files while the listing pages.
 * On any failure the streamed writes are aborted, so the store keeps none of them.
 */
async function listAndWriteSnapshot(
  connector: Connector,
  site: SiteConfig,
  scheduledAt: Date,
  run: {
    readonly origin: string;
    readonly startedAt: Date;
    readonly progress: ExportObserver | undefined;
    readonly deps: ExportDeps;
  },
): Promise<WriteSnapshotResult> {
  const { origin, startedAt, progress, deps } = run;
  const runId = runIdFor(scheduledAt);
  const streamedUsers = new StreamedUserFiles(deps.store, snapshotRunPrefix(site.id, runId));
  try {
    const data = await connector.exportAll({
      page: (listing, records, total) => progress?.page?.(listing, records, total),
      users: (batch) => streamedUsers.add(batch),
    });
    return await writeSnapshot({
      store: deps.store,
      site: site.id,
      provider: site.provider,
      origin,
      runId,
      scheduledAt,
      startedAt,
      clock: deps.clock,
      toolVersion: deps.toolVersion,
      data,
      streamedUsers,
    });
  } catch (error) {
    // Also safe after the writer's finish(): by then every streamed write has settled.
    await streamedUsers.abort();
    throw error;
  }
}
