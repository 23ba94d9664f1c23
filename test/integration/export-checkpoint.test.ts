import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import { type ExportDeps, exportSite, type SiteExportResult } from '../../functions/export/export-site.ts';
import type { Checkpoint } from '../../functions/export/slices/checkpoint.ts';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import { type Clock, systemClock } from '../../functions/shared/clock.ts';
import { runCheckpointKey, runLeaseKey } from '../../functions/snapshot/layout.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { comparableManifest, noSleep, pageBudget, testSite } from '../support/sliced-export.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const scheduledAt = new Date('2026-11-22T02:00:00Z');
const runId = '20261122T020000Z';
const LEASE_TTL_MS = 60_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp() {
  const emulator = await startPeriscopeV1Emulator({ users: 350, groups: 4 });
  cleanups.push(() => emulator.close());
  const temp = await makeTempDir('export-checkpoint');
  cleanups.push(() => temp.remove());
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  const site = testSite('periscope-v1', emulator.url);
  const credentials = { site: emulator.site, apiKey: emulator.apiKey };
  const deps = (store: ObjectStore): ExportDeps => ({
    store,
    clock,
    toolVersion: 'test',
    sleep: noSleep,
    lease: { ttlMs: LEASE_TTL_MS, waitMs: 0 },
  });
  const run = (store: ObjectStore, extra: Partial<ExportDeps> = {}) =>
    exportSite(site, periscopeV1, credentials, scheduledAt, { ...deps(store), ...extra });
  const whole = new FileStore(join(temp.path, 'whole'));
  const once = await run(whole);
  if (once.status !== 'complete') throw new Error(`the export in one go: ${once.status}`);
  return {
    emulator,
    store: new FileStore(join(temp.path, 'sliced')),
    run,
    expected: await comparableManifest(whole, once.manifestKey),
    /** Lets the slices' lease expire: an export without a budget may then take the run over. */
    expireLease: () => {
      offsetMs += LEASE_TTL_MS + 1;
    },
    /** Moves the clock on, as time spent in what the exporter is doing. */
    advance: (ms: number) => {
      offsetMs += ms;
    },
  };
}

async function readCheckpoint(store: FileStore): Promise<Checkpoint> {
  return JSON.parse((await store.get(runCheckpointKey('acme', runId)))?.toString('utf8') ?? '') as Checkpoint;
}

/** The store refuses the third part once, as S3 does when it asks a client to slow down. */
function refusingOnePart(inner: ObjectStore): ObjectStore {
  let refused = false;
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'put') {
        const put: ObjectStore['put'] = async (key, body, options) => {
          if (!refused && key.endsWith('part-000002.jsonl.gz')) {
            refused = true;
            throw new Error('SlowDown: Please reduce your request rate.');
          }
          return target.put(key, body, options);
        };
        return put;
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function finished(result: SiteExportResult) {
  if (result.status !== 'complete') throw new Error(`not complete: ${JSON.stringify(result)}`);
  return result;
}

describe('a checkpoint', () => {
  it('is resumed by an export without a budget once the slices stopped, which says where it resumed', async () => {
    const { store, run, expected, expireLease } = await setUp();
    const first = await run(store, { slice: pageBudget(2) });
    expect(first).toMatchObject({ status: 'in-progress', slices: 1, progress: 'users page 2 of ~4' });
    expect(first).toMatchObject({ checkpointKey: runCheckpointKey('acme', runId) });

    // The slices' lease lives on between slices: a person's export is refused meanwhile.
    const refused = await run(store);
    expect(refused).toMatchObject({ status: 'failed', failure: 'busy' });

    expireLease();
    const result = finished(await run(store));
    expect(result).toMatchObject({ slices: 2, resumedAt: 'users page 2 of ~4' });
    expect(result.checkpointWarning).toBeUndefined();
    expect(await comparableManifest(store, result.manifestKey)).toEqual(expected);
  });

  it('outlives a slice that failed on a store error: the retry resumes it, asks again only what failed, and the snapshot is exact', async () => {
    const { emulator, store, run, expected } = await setUp();
    // Groups' details fail every attempt (one and three retries): the export goes on, the
    // groups unread. Then the store refuses one part: the slice fails, as the state machine's
    // retry would see it.
    emulator.setFaults({
      serverErrors: { route: 'group-detail', count: Number.POSITIVE_INFINITY, status: 503 },
    });
    const failed = await run(refusingOnePart(store), { checkpointEvery: { bytes: 1 } });
    expect(failed).toMatchObject({ status: 'failed', failure: 'store' });
    const kept = await readCheckpoint(store);
    expect(kept.lastFailure?.reason).toBe(failed.status === 'failed' ? failed.reason : '');
    expect(kept.lastFailure?.reason).toMatch(/^site acme: .*SlowDown/);

    emulator.setFaults({});
    emulator.resetRequestLog();
    const result = finished(await run(store));
    expect(result).toMatchObject({ slices: 2 });
    expect(result.resumedAt).toMatch(/^users page 4/);
    // Every answer came from the parts except the details that failed (and those not yet asked
    // when they did), which were asked again: the groups are complete this time.
    const asked = new Set(emulator.requests.map((request) => request.kind));
    expect([...asked]).toEqual(['group-detail']);
    expect(await comparableManifest(store, result.manifestKey)).toEqual(expected);
    expect(await store.get(runCheckpointKey('acme', runId))).toBeUndefined();
  });

  it('stops a chain of slices once replaying takes most of a slice, and keeps the checkpoint for an export without slices', async () => {
    const { store, run, expected, advance } = await setUp();
    expect(await run(store, { slice: pageBudget(2) })).toMatchObject({ status: 'in-progress' });

    // Reading each part back takes 100 seconds: slice 2 spends nearly all of itself replaying.
    const slowParts = new Proxy(store, {
      get(target, property) {
        if (property === 'get') {
          const get: ObjectStore['get'] = async (key) => {
            if (key.includes('/parts/')) advance(100_000);
            return target.get(key);
          };
          return get;
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    // A lease that outlives the jump of the clock: a real slice renews it while it replays.
    const stopped = await run(slowParts, { slice: pageBudget(2), lease: { ttlMs: 3_600_000, waitMs: 0 } });
    expect(stopped).toMatchObject({ status: 'failed', failure: 'too-large' });
    if (stopped.status !== 'failed') throw new Error('not failed');
    expect(stopped.reason).toMatch(
      /^site acme: the export can no longer go on in slices: slice 2 spent \d+ of its \d+ seconds replaying what the slices before it read\. Its checkpoint is kept: finish the run with the CLI, which needs no slices \(rollcall export --site acme --as-of 2026-11-22T02:00:00\.000Z\)\.$/,
    );
    expect((await readCheckpoint(store)).lastFailure?.reason).toBe(stopped.reason);

    // Released, not kept for a next slice: an export without a budget resumes it at once.
    const result = finished(await run(store));
    expect(result.resumedAt).toBeDefined();
    expect(await comparableManifest(store, result.manifestKey)).toEqual(expected);
  });

  it('is not written when the site never answered (unreachable from the first request)', async () => {
    const { store } = await setUp();
    const unreachable = await exportSite(
      testSite('periscope-v1', 'http://127.0.0.1:9', 0),
      periscopeV1,
      { site: 'acme', apiKey: 'any' },
      scheduledAt,
      { store, clock: systemClock, toolVersion: 'test', sleep: noSleep },
    );
    expect(unreachable).toMatchObject({ status: 'failed', failure: 'unreachable' });
    const left: string[] = [];
    for await (const key of store.list('work/')) left.push(key);
    expect(left).toEqual([runLeaseKey('acme', runId)]);
  });

  it('does not outlive a slice that failed for good (a refused key): the next export starts over', async () => {
    const { emulator, store, run, expected } = await setUp();
    expect(await run(store, { slice: pageBudget(2) })).toMatchObject({ status: 'in-progress' });

    const refused = await exportSite(
      testSite('periscope-v1', emulator.url),
      periscopeV1,
      { site: emulator.site, apiKey: 'not-the-key' },
      scheduledAt,
      {
        store,
        clock: systemClock,
        toolVersion: 'test',
        sleep: noSleep,
        slice: { remainingMs: () => 60_000 },
      },
    );
    expect(refused).toMatchObject({ status: 'failed', failure: 'auth' });
    expect(await store.get(runCheckpointKey('acme', runId))).toBeUndefined();

    const result = finished(await run(store));
    expect(result.resumedAt).toBeUndefined();
    expect(await comparableManifest(store, result.manifestKey)).toEqual(expected);
  });

  const tamperings: [string, (store: FileStore) => Promise<void>, RegExp][] = [
    [
      'corrupted',
      (store) => store.put(runCheckpointKey('acme', runId), '{"schemaVersion": 1, "site": ]'),
      /is not valid JSON/,
    ],
    [
      'truncated',
      async (store) => {
        const body = (await store.get(runCheckpointKey('acme', runId))) as Buffer;
        await store.put(runCheckpointKey('acme', runId), body.subarray(0, body.length / 2));
      },
      /is not valid JSON/,
    ],
    [
      'of another site',
      async (store) => rewrite(store, (checkpoint) => ({ ...checkpoint, site: 'globex' })),
      /belongs to another export \(its site is "globex", not "acme"\)/,
    ],
    [
      'of another run',
      async (store) => rewrite(store, (checkpoint) => ({ ...checkpoint, runId: '20261121T020000Z' })),
      /its runId is "20261121T020000Z"/,
    ],
    [
      'of another origin',
      async (store) => rewrite(store, (checkpoint) => ({ ...checkpoint, origin: 'Periscope at elsewhere' })),
      /its origin is/,
    ],
    [
      'stale',
      async (store) =>
        rewrite(store, (checkpoint) => ({
          ...checkpoint,
          updatedAt: new Date(Date.now() - 2 * 24 * 3600_000).toISOString(),
        })),
      /more than a day ago: too stale to resume/,
    ],
    [
      'of another schema',
      async (store) => rewrite(store, (checkpoint) => ({ ...checkpoint, parts: 'all of them' })),
      /does not match its schema/,
    ],
    [
      'with a part whose bytes changed',
      async (store) => {
        const [part] = (await readCheckpoint(store)).parts;
        if (!part) throw new Error('no part');
        await store.put(part.key, gzipSync('{"request":"x","traffic":{}}\n'));
      },
      /does not match its SHA-256$/,
    ],
    [
      'with a part missing',
      async (store) => {
        const [part] = (await readCheckpoint(store)).parts;
        if (!part) throw new Error('no part');
        await store.remove(part.key);
      },
      /is missing$/,
    ],
  ];

  it.each(tamperings)(
    '%s is discarded with a warning, and the export from the beginning is exact',
    async (_name, tamper, warning) => {
      const { store, run, expected, expireLease } = await setUp();
      await run(store, { slice: pageBudget(2) });
      await run(store, { slice: pageBudget(2) });
      await tamper(store);
      expireLease();

      const result = finished(await run(store));
      expect(result.checkpointWarning).toMatch(warning);
      expect(result.resumedAt).toBeUndefined();
      expect(result.slices).toBe(1);
      expect(await comparableManifest(store, result.manifestKey)).toEqual(expected);
    },
  );

  it('is discarded on request (restart), without a warning, and the export is exact', async () => {
    const { store, run, expected, expireLease } = await setUp();
    await run(store, { slice: pageBudget(2) });
    expireLease();
    const result = finished(await run(store, { restart: true }));
    expect(result).toMatchObject({ slices: 1 });
    expect(result.checkpointWarning).toBeUndefined();
    expect(await comparableManifest(store, result.manifestKey)).toEqual(expected);
  });
});

async function rewrite(store: FileStore, change: (checkpoint: Checkpoint) => unknown): Promise<void> {
  const changed = change(await readCheckpoint(store));
  await store.put(runCheckpointKey('acme', runId), JSON.stringify(changed));
}
