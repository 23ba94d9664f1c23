import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LumAppsFaults, startLumAppsEmulator } from '../../dev/emulators/lumapps/index.ts';
import { readLatest, readManifestAt } from '../../functions/snapshot/read-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One LumApps export with the given faults; every wait the client asks for is recorded, not slept. */
async function exportLumApps(faults: LumAppsFaults, http: Record<string, unknown> = {}) {
  const site = await startLumAppsEmulator({ users: 120, feeds: 4, pageSize: 50, faults });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('rate-limits');
  cleanups.push(() => temp.remove());
  await writeFile(
    join(temp.path, 'rollcall.config.json'),
    JSON.stringify({
      store: 'file://./backups',
      sites: [
        { id: 'intranet', provider: 'lumapps', baseUrl: site.url, credentials: { env: 'CREDS' }, http },
      ],
    }),
  );
  const waits: number[] = [];
  const run = await runRollcall(['export', '--as-of', '2026-11-21T02:00:00Z'], {
    cwd: temp.path,
    env: { CREDS: JSON.stringify(site.credentials) },
    clients: {
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  });
  const store = new FileStore(join(temp.path, 'backups'));
  const latest = await readLatest(store, 'intranet');
  const manifest = latest === undefined ? undefined : await readManifestAt(store, latest.key);
  return { run, waits, manifest, site };
}

describe('rate limits that are not 429', () => {
  it('waits out LumApps’ 400 RATE_LIMIT_EXCEEDED about a minute and goes on, counting the waits', async () => {
    const { run, waits, manifest } = await exportLumApps({
      quotaExceeded: { route: 'users-list', after: 1, count: 2 },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(manifest?.status).toBe('complete');
    expect(waits.filter((ms) => ms === 61_000)).toHaveLength(2);
    expect(manifest?.source.users).toMatchObject({ rateLimitWaits: 2, retries: 2, complete: true });
    expect(manifest?.source.groups).toMatchObject({ rateLimitWaits: 0 });
    expect(manifest?.source.users?.slowestRequestMs).toBeGreaterThanOrEqual(0);
  });

  it('counts a 429 with Retry-After as a rate-limit wait too, and honours its delay', async () => {
    const { run, waits, manifest } = await exportLumApps({
      rateLimit: { route: 'groups-list', count: 1, retryAfterSeconds: 7 },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(waits).toContain(7_000);
    expect(manifest?.source.groups).toMatchObject({ rateLimitWaits: 1, retries: 1 });
  });

  it('gives up after the site’s retries and says it was rate-limited', async () => {
    const { run, waits } = await exportLumApps(
      { quotaExceeded: { route: 'users-list', count: Number.POSITIVE_INFINITY } },
      { maxRetries: 2 },
    );
    expect(run.code).toBe(1);
    expect(waits.filter((ms) => ms === 61_000)).toHaveLength(2);
    expect(run.stdout + run.stderr).toMatch(/rate-limiting rollcall \(.*HTTP 400 \(rate limited\)/);
  });
});
