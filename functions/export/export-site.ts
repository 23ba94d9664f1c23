import type { SiteConfig } from '../config/schema.ts';
import type { ExportObserver, ListingReport, ProviderAdapter } from '../providers/port.ts';
import type { Clock } from '../shared/clock.ts';
import { runIdFor, snapshotRunPrefix } from '../snapshot/layout.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { StreamedUserFiles } from '../snapshot/streamed-user-files.ts';
import { writeSnapshot } from '../snapshot/write-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { type ConnectDeps, connectSite } from './connect-site.ts';
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
  const connector = connectSite(site, adapter, credentials, deps);
  const progress = deps.progress?.(site.id);
  const streamedUsers = new StreamedUserFiles(deps.store, snapshotRunPrefix(site.id, runId));
  try {
    const data = await connector
      .exportAll({
        page: (listing, records, total) => progress?.page?.(listing, records, total),
        users: (batch) => streamedUsers.add(batch),
      })
      .catch(async (error: unknown) => {
        await streamedUsers.abort();
        throw error;
      });
    const written = await writeSnapshot({
      store: deps.store,
      site: site.id,
      provider: site.provider,
      runId,
      scheduledAt,
      startedAt,
      clock: deps.clock,
      toolVersion: deps.toolVersion,
      data,
      streamedUsers,
    });
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
