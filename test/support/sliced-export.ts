import { parseConfig } from '../../functions/config/load-config.ts';
import type { SiteConfig } from '../../functions/config/schema.ts';
import { type ExportDeps, exportSite, type SiteExportResult } from '../../functions/export/export-site.ts';
import type { ProviderAdapter } from '../../functions/providers/port.ts';
import type { Manifest } from '../../functions/snapshot/manifest.ts';
import { readManifestAt } from '../../functions/snapshot/read-snapshot.ts';
import type { ObjectStore } from '../../functions/store/port.ts';

/** A site of the config for a test emulator; the credentials go to exportSite directly. */
export function testSite(provider: string, baseUrl: string, maxRetries = 3): SiteConfig {
  const [site] = parseConfig(
    JSON.stringify({
      store: 'file://./store',
      sites: [
        {
          id: 'acme',
          provider,
          baseUrl,
          credentials: { env: 'UNUSED' },
          http: { maxRetries, concurrency: 8 },
        },
      ],
    }),
    'test config',
  ).sites;
  if (!site) throw new Error('no site');
  return site;
}

/**
 * A budget that runs out after every `pages` requests: a slice of a few pages, whatever the
 * machine's speed (no wall time).
 */
export function pageBudget(pages: number): { remainingMs(): number } {
  let asked = 0;
  return { remainingMs: () => (++asked % (pages + 1) === 0 ? 0 : 60_000) };
}

/** Calls exportSite until the run is no longer in progress, each call a fresh slice. */
export async function exportInSlices(
  site: SiteConfig,
  adapter: ProviderAdapter<unknown>,
  credentials: unknown,
  scheduledAt: Date,
  deps: ExportDeps,
  pagesPerSlice: number,
): Promise<{ readonly result: SiteExportResult; readonly calls: number }> {
  for (let calls = 1; calls <= 10_000; calls++) {
    const result = await exportSite(site, adapter, credentials, scheduledAt, {
      ...deps,
      slice: pageBudget(pagesPerSlice),
    });
    if (result.status !== 'in-progress') return { result, calls };
  }
  throw new Error('the export never finished');
}

/**
 * What must be identical between two exports of the same data: the files' bytes (by hash),
 * status, counts and every listing's figures except how long requests took.
 */
export async function comparableManifest(store: ObjectStore, manifestKey: string): Promise<unknown> {
  const manifest = (await readManifestAt(store, manifestKey)) as Manifest;
  return {
    status: manifest.status,
    reason: manifest.reason,
    counts: manifest.counts,
    files: manifest.files,
    source: Object.fromEntries(
      Object.entries(manifest.source).map(([name, { slowestRequestMs: _slowest, ...listing }]) => [
        name,
        listing,
      ]),
    ),
  };
}

/** Back-off and rate-limit waits cut to nothing. */
export const noSleep = async (): Promise<void> => undefined;
