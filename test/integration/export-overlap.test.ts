/**
 * Exports that overlap, against the S3 store over the real S3 protocol (s3rver behind the
 * conditional-write proxy, with random delays on every PUT): two exports of the same run while
 * the site changes between their reads, and two runs of different scheduled times finishing
 * together. Whatever the interleaving, an export either agrees with the other on one verified
 * snapshot or refuses with the lease message, and latest.json names the newest complete run
 * whose files match its manifest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { parseConfig } from '../../functions/config/load-config.ts';
import type { SiteConfig } from '../../functions/config/schema.ts';
import type { SiteExportResult } from '../../functions/export/export-site.ts';
import { exportSites } from '../../functions/export/export-sites.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { runIdFor } from '../../functions/snapshot/layout.ts';
import { readLatest, readManifestAt, verifySnapshot } from '../../functions/snapshot/read-snapshot.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { startTestS3, type TestS3 } from '../support/local-s3.ts';

let s3: TestS3;
/** The same site read at two moments: the second has more users, other names, other groups. */
let before: PeriscopeV1Emulator;
let after: PeriscopeV1Emulator;

beforeAll(async () => {
  [s3, before, after] = await Promise.all([
    startTestS3(),
    startPeriscopeV1Emulator({ users: 90, groups: 5, seed: 1 }),
    startPeriscopeV1Emulator({ users: 110, groups: 6, seed: 2 }),
  ]);
});

afterAll(async () => {
  s3.proxy.setPutDelay(undefined);
  await Promise.all([s3?.stop(), before?.close(), after?.close()]);
});

const NIGHT_1 = new Date('2026-11-22T02:00:00Z');
const NIGHT_2 = new Date('2026-11-23T02:00:00Z');
const TRIALS = 12;
const BUSY =
  /^run \d{8}T\d{6}Z of site acme is being written by another export since \d{4}-[^ ]+Z; try again/;

describe('overlapping exports on the S3 store', () => {
  it('two exports of one run, the site changing between them: both agree on one verified snapshot, or one refuses', {
    // About 5 s alone; the margin is for a machine busy with the rest of the suite.
    timeout: 120_000,
  }, async () => {
    s3.proxy.setPutDelay(() => Math.floor(Math.random() * 25));
    const outcomes = { agreed: 0, refused: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const store = s3.store(`overlap-same-${trial}`);
      // Half the trials wait for the other export's lease long enough to find the run complete.
      const waitMs = trial % 2 === 0 ? 0 : 2_000;
      const [first, second] = await Promise.all([
        exportOne(store, before, NIGHT_1, waitMs),
        exportOne(store, after, NIGHT_1, waitMs),
      ]);

      const results = [first, second];
      const refused = results.filter((result) => result.status === 'failed');
      for (const result of refused) {
        expect(result).toMatchObject({ failure: 'busy' });
        expect(result.status === 'failed' && result.reason).toMatch(BUSY);
      }
      expect(refused.length, `trial ${trial}: both refused`).toBeLessThan(2);
      const written = await expectVerifiedLatest(store, runIdFor(NIGHT_1));
      for (const result of results.filter((each) => each.status !== 'failed')) {
        // Each export that did not refuse reports exactly the snapshot that is stored.
        expect(result).toMatchObject({ status: 'complete', counts: written.counts });
      }
      outcomes[refused.length === 0 ? 'agreed' : 'refused']++;
    }
    expect(outcomes.agreed + outcomes.refused).toBe(TRIALS);
    // Exports that do not wait meet the other's lease: the refusal path is exercised, not only waiting.
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('two runs finishing together: latest.json names the newer one, never the older', {
    timeout: 120_000,
  }, async () => {
    s3.proxy.setPutDelay(() => Math.floor(Math.random() * 25));
    for (let trial = 0; trial < TRIALS; trial++) {
      const store = s3.store(`overlap-runs-${trial}`);
      // The older run reads the bigger site, so it finishes last about as often as first.
      const [older, newer] = await Promise.all([
        exportOne(store, after, NIGHT_1, 0),
        exportOne(store, before, NIGHT_2, 0),
      ]);
      expect(older).toMatchObject({ status: 'complete' });
      expect(newer).toMatchObject({ status: 'complete', latestMoved: true });
      await expectVerifiedLatest(store, runIdFor(NIGHT_2));
    }
  });
});

function exportOne(
  store: ObjectStore,
  emulator: PeriscopeV1Emulator,
  scheduledAt: Date,
  waitMs: number,
): Promise<SiteExportResult> {
  return exportSites([siteAt(emulator)], scheduledAt, credentials(emulator), {
    store,
    clock: systemClock,
    toolVersion: 'test',
    lease: { waitMs },
  }).then((run) => run.sites[0] as SiteExportResult);
}

/** latest.json names `runId`, whose manifest is complete and whose files match it; returns the manifest. */
async function expectVerifiedLatest(store: ObjectStore, runId: string) {
  const latest = await readLatest(store, 'acme');
  expect(latest?.runId).toBe(runId);
  const verification = await verifySnapshot(store, latest?.key ?? '');
  expect(verification.problems).toEqual([]);
  const manifest = await readManifestAt(store, latest?.key ?? '');
  expect(manifest?.status).toBe('complete');
  return verification.manifest;
}

function siteAt(emulator: PeriscopeV1Emulator): SiteConfig {
  const config = parseConfig(
    JSON.stringify({
      store: 'file://./unused',
      sites: [{ id: 'acme', provider: 'periscope-v1', baseUrl: emulator.url, credentials: { env: 'ACME' } }],
    }),
    'test config',
  );
  return config.sites[0] as SiteConfig;
}

function credentials(emulator: PeriscopeV1Emulator) {
  return {
    env: { ACME: JSON.stringify({ site: emulator.site, apiKey: emulator.apiKey }) },
    configDirectory: process.cwd(),
  };
}
