import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorFaults } from '../../dev/emulators/shared/faults.ts';
import { exportSite } from '../../functions/export/export-site.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { runWorkPrefix } from '../../functions/snapshot/layout.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { comparableManifest, exportInSlices, noSleep, testSite } from '../support/sliced-export.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import type { ConformanceSite, ConformanceSiteOptions } from './harness.ts';
import { harnesses } from './providers/index.ts';

const scheduledAt = new Date('2026-11-22T02:00:00Z');

/**
 * The suite's sliced mode: every provider, through every fault the suite injects, exported in
 * slices of a few pages each (the budget runs out every few requests), writes files
 * byte-identical to an export in one go of the same data.
 */
describe.each(harnesses.map((harness) => [harness.adapter.id, harness] as const))(
  '%s in slices',
  (_id, harness) => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function start(options: ConformanceSiteOptions): Promise<ConformanceSite> {
      const site = await harness.start(options);
      cleanups.push(() => site.close());
      return site;
    }

    async function store(label: string): Promise<FileStore> {
      const temp = await makeTempDir(`sliced-${label}`);
      cleanups.push(() => temp.remove());
      return new FileStore(join(temp.path, 'store'));
    }

    const page = harness.pageSize;
    const faults: [string, EmulatorFaults | undefined, number][] = [
      ['no fault', undefined, 3 * page + 7],
      [
        '429 with Retry-After',
        { rateLimit: { route: 'users-list', after: 1, count: 2, retryAfterSeconds: 0 } },
        2 * page + 5,
      ],
      [
        'a burst of 5xx',
        { serverErrors: { route: 'users-list', after: 1, count: 2, status: 503 } },
        2 * page + 5,
      ],
      ['a reset connection', { resetConnection: { route: 'users-list', after: 1, count: 1 } }, 2 * page + 5],
      ['a truncated body', { truncatedBody: { route: 'users-list', after: 1, count: 1 } }, 2 * page + 5],
      [
        'a 5xx on the groups listing',
        { serverErrors: { route: 'groups-list', after: 0, count: 1 } },
        2 * page + 5,
      ],
      ['latency', { latencyMs: 5 }, 2 * page + 5],
      [
        'a later page failing for good',
        { serverErrors: { route: 'users-list', after: 1, count: Number.POSITIVE_INFINITY } },
        3 * page,
      ],
      ['a repeating cursor', { repeatCursor: { fromPage: 2 } }, 4 * page],
    ];

    const deps = { clock: systemClock, toolVersion: 'test', sleep: noSleep };
    const credentials = (site: ConformanceSite) => harness.adapter.credentialsSchema.parse(site.credentials);

    /** The export in one go into one store, then the same faults afresh and the export in slices into another. */
    async function bothWays(
      whole: ConformanceSite,
      sliced: ConformanceSite,
      fault: EmulatorFaults | undefined,
    ) {
      const wholeStore = await store('whole');
      const slicedStore = await store('sliced');
      const once = await exportSite(
        testSite(harness.adapter.id, whole.baseUrl),
        harness.adapter,
        credentials(whole),
        scheduledAt,
        { ...deps, store: wholeStore },
      );
      sliced.setFaults(fault ?? {});
      const { result, calls } = await exportInSlices(
        testSite(harness.adapter.id, sliced.baseUrl),
        harness.adapter,
        credentials(sliced),
        scheduledAt,
        { ...deps, store: slicedStore },
        1,
      );
      if (once.status === 'failed' || once.status === 'in-progress')
        throw new Error(`in one go: ${once.status}`);
      if (result.status === 'failed' || result.status === 'in-progress')
        throw new Error(`in slices: ${result.status}`);
      expect(calls).toBeGreaterThan(1);
      expect(result.slices).toBe(calls);
      expect(await readManifestSlices(slicedStore, result.manifestKey)).toBe(calls);
      // Nothing is left of the slices' work but the released lease.
      expect(await keysUnder(slicedStore, runWorkPrefix('acme', result.runId))).toEqual([
        `${runWorkPrefix('acme', result.runId)}lease.json`,
      ]);
      return {
        once: await comparableManifest(wholeStore, once.manifestKey),
        sliced: await comparableManifest(slicedStore, result.manifestKey),
      };
    }

    it.each(faults)('%s: the same files as an export in one go', async (_name, fault, users) => {
      const site = await start({
        users,
        groups: 3,
        inactiveUsers: true,
        ...(fault ? { faults: fault } : {}),
      });
      const { once, sliced } = await bothWays(site, site, fault);
      expect(sliced).toEqual(once);
    });

    it('drift under the export: the same verdict and the same users as an export in one go of the same drift', async () => {
      const options = { users: 4 * page, groups: 3, faults: { drift: { afterPage: 2, add: 4, remove: 5 } } };
      // Two sites of the same seed drifting the same way: the records are the same, their links name each site's port.
      const { once, sliced } = await bothWays(await start(options), await start(options), options.faults);
      const withoutLinks = (manifest: unknown) => {
        const {
          files,
          source: _source,
          reason: _reason,
          ...rest
        } = manifest as { files: { name: string }[]; source: unknown; reason?: string };
        return { ...rest, files: files.filter((file) => file.name.endsWith('.csv')) };
      };
      expect(withoutLinks(sliced)).toEqual(withoutLinks(once));
    });
  },
);

async function readManifestSlices(store: FileStore, key: string): Promise<number | undefined> {
  const body = await store.get(key);
  return (JSON.parse(body?.toString('utf8') ?? '{}') as { slices?: number }).slices;
}

async function keysUnder(store: FileStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}
