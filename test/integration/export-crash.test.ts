import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportSite, type SiteExportResult } from '../../functions/export/export-site.ts';
import type { Clock } from '../../functions/shared/clock.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { harnesses } from '../conformance/providers/index.ts';
import { crashingStore } from '../support/crashing-store.ts';
import { comparableManifest, noSleep, pageBudget, testSite } from '../support/sliced-export.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const scheduledAt = new Date('2026-11-22T02:00:00Z');
const LEASE_TTL_MS = 60_000;

/** A fixed list of seeds: every run of the suite kills the exports at the same points. */
const SEEDS = [7, 19, 42];

/** [1, 8]: writes an attempt gets through before its process is killed. */
function crashPoints(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return 1 + (state % 8);
  };
}

/**
 * The exporting process killed at random points — between a part and its checkpoint, in the
 * middle of the snapshot's files, between the manifest and latest.json — and the same command
 * run again until it finishes: the files are byte-identical to an export that was never
 * interrupted, and every listing counts exactly the pages, records and retries it did then.
 */
describe.each(harnesses.map((harness) => [harness.adapter.id, harness] as const))(
  '%s killed and resumed',
  (_id, harness) => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it.each(SEEDS)('seed %i: the same snapshot as an export never killed', async (seed) => {
      const site = await harness.start({ users: 2 * harness.pageSize + 5, groups: 3, inactiveUsers: true });
      cleanups.push(() => site.close());
      const temp = await makeTempDir('export-crash');
      cleanups.push(() => temp.remove());
      const credentials = harness.adapter.credentialsSchema.parse(site.credentials);
      const config = testSite(harness.adapter.id, site.baseUrl);
      let offsetMs = 0;
      const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
      const deps = {
        clock,
        toolVersion: 'test',
        sleep: noSleep,
        lease: { ttlMs: LEASE_TTL_MS, waitMs: 0 },
        // A part and a checkpoint after every response: a kill lands between the two often.
        checkpointEvery: { bytes: 1 },
      };

      const whole = new FileStore(join(temp.path, 'whole'));
      const once = await exportSite(config, harness.adapter, credentials, scheduledAt, {
        ...deps,
        store: whole,
      });

      const resumed = new FileStore(join(temp.path, 'resumed'));
      const nextCrash = crashPoints(seed);
      let kills = 0;
      let result: SiteExportResult | undefined;
      for (let attempt = 0; attempt < 200 && result === undefined; attempt++) {
        const store = crashingStore(resumed, nextCrash());
        // Every other attempt is a person's export without a budget; the rest are budgeted slices.
        const budget = attempt % 2 === 0 ? { slice: pageBudget(2) } : {};
        const outcome = await exportSite(config, harness.adapter, credentials, scheduledAt, {
          ...deps,
          ...budget,
          store,
        });
        if (store.crashed()) {
          kills += 1;
          // The killed process's lease is not released: the next export waits it out.
          offsetMs += LEASE_TTL_MS + 1;
        } else if (outcome.status === 'failed' && outcome.failure === 'busy') {
          // A person's export is refused while the slices' lease lives: run again once it expired.
          offsetMs += LEASE_TTL_MS + 1;
        } else if (outcome.status !== 'in-progress') {
          result = outcome;
        }
      }

      expect(kills).toBeGreaterThan(3);
      if (result === undefined || result.status === 'failed' || result.status === 'in-progress')
        throw new Error(`the export did not finish: ${JSON.stringify(result)}`);
      if (once.status === 'failed' || once.status === 'in-progress') throw new Error(once.status);
      expect(await comparableManifest(resumed, result.manifestKey)).toEqual(
        await comparableManifest(whole, once.manifestKey),
      );
    });
  },
);
