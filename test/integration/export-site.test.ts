import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import { parseConfig } from '../../functions/config/load-config.ts';
import { exportSite } from '../../functions/export/export-site.ts';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { snapshotRunPrefix } from '../../functions/snapshot/layout.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every file under a folder, temporary ones included; [] when the folder does not exist. */
async function filesUnder(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

describe('exportSite', () => {
  it('a store that fails while the snapshot is being written leaves none of the streamed files behind', async () => {
    const emulator = await startPeriscopeV1Emulator({
      users: 250,
      groups: 5,
      // Users page 2 fails for good: the run is incomplete, so the writer reads the run's manifest.
      faults: { serverErrors: { after: 1, count: Number.POSITIVE_INFINITY, route: 'users-list' } },
    });
    cleanups.push(() => emulator.close());
    const temp = await makeTempDir('export-site');
    cleanups.push(() => temp.remove());
    const files = new FileStore(join(temp.path, 'store'));
    let manifestReads = 0;
    // The first read of the manifest (is this run already complete?) succeeds; the writer's fails.
    const failingStore: ObjectStore = {
      locate: (key) => files.locate(key),
      put: (key, body) => files.put(key, body),
      openRead: (key) => files.openRead(key),
      list: (prefix) => files.list(prefix),
      getTagged: (key) => files.getTagged(key),
      putIf: (key, body, condition) => files.putIf(key, body, condition),
      get: async (key) => {
        if (key.endsWith('manifest.json') && ++manifestReads > 1) throw new Error('the disk went away');
        return files.get(key);
      },
    };
    const [site] = parseConfig(
      JSON.stringify({
        store: 'file://./store',
        sites: [
          {
            id: 'acme',
            provider: 'periscope-v1',
            baseUrl: emulator.url,
            credentials: { env: 'X' },
            http: { maxRetries: 0 },
          },
        ],
      }),
      'test config',
    ).sites;
    if (!site) throw new Error('no site');
    const scheduledAt = new Date('2026-11-22T02:00:00Z');

    const result = await exportSite(
      site,
      periscopeV1,
      { site: emulator.site, apiKey: emulator.apiKey },
      scheduledAt,
      { store: failingStore, clock: systemClock, toolVersion: 'test' },
    );

    expect(result).toMatchObject({ status: 'failed', failure: 'store' });
    expect(result.status === 'failed' && result.reason).toContain('the disk went away');
    expect(await filesUnder(join(temp.path, 'store', snapshotRunPrefix('acme', '20261122T020000Z')))).toEqual(
      [],
    );
  });
});
