/**
 * The exporting process really killed (SIGKILL: no `finally`, no flush, no released lease) at
 * chosen and at random points, and the same command run again until it succeeds: the snapshot is
 * byte-identical to an export of the same site that was never killed, with the same counts,
 * pages, duplicates and retries per listing (an answer replayed twice or lost would change them),
 * verifies, `latest.json` names it, and the run leaves nothing under `work/` but a lease nobody holds.
 *
 * The real CLI (`node bin/rollcall.js`) exports an emulator site into S3 (s3rver behind the test
 * proxy, which gives it S3's conditional writes) with `--checkpoint-seconds 0`, so a part and a
 * checkpoint follow every answer of the site. The proxy sees each S3 request before the server
 * does: that is where a process is killed, and the request it was sending then never lands.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runLeaseKey } from '../../functions/snapshot/layout.ts';
import { verifySnapshot } from '../../functions/snapshot/read-snapshot.ts';
import type { S3Store } from '../../functions/store/s3-store.ts';
import type { ConformanceSite, ProviderHarness } from '../conformance/harness.ts';
import { harnesses } from '../conformance/providers/index.ts';
import type { ProxiedRequest, RequestObserver } from '../support/conditional-s3-proxy.ts';
import { startTestS3, type TestS3 } from '../support/local-s3.ts';
import { type ProcessRun, rollcallProcesses } from '../support/rollcall-process.ts';
import { comparableManifest } from '../support/sliced-export.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const AS_OF = '2026-11-22T02:00:00Z';
const RUN = '20261122T020000Z';
const RUN_FOLDER = `snapshots/site=acme/date=2026-11-22/run=${RUN}/`;
const MANIFEST = `${RUN_FOLDER}manifest.json`;
/** Per answer of the site: a kill lands while the export is reading, not only between pages. */
const SITE_LATENCY_MS = 30;

/** Fixed seeds: every run of the suite kills the exports at the same requests. */
const SEEDS = [3, 17, 2026];
/** Kills per seed before the run is let finish. */
const KILLS_PER_SEED = 4;

const processes = rollcallProcesses(60_000);
let s3: TestS3;
let temp: { path: string; remove(): Promise<void> };

beforeAll(async () => {
  [s3, temp] = await Promise.all([startTestS3(), makeTempDir('export-kill')]);
});
afterEach(async () => {
  s3?.proxy.setObserver(undefined);
  await processes.killAll();
});
afterAll(async () => {
  await processes.killAll();
  await Promise.all([s3?.stop(), temp?.remove()]);
});

/** Decides, request by request, when to kill the process; `kill` ends it at once. */
type KillPlan = (kill: () => void) => RequestObserver;

const isPart = (request: ProxiedRequest) => /\/parts\/part-\d{6}\.jsonl\.gz$/.test(request.key);
const isPut = (request: ProxiedRequest, suffix: string) =>
  request.method === 'PUT' && request.key.endsWith(suffix);

/**
 * Killed when the checkpoint that would list a part arrives after the part was stored: the part
 * is durable, no checkpoint names it. The `nth` such checkpoint, so that an earlier one is there
 * to resume from.
 */
function betweenPartAndCheckpoint(nth: number): KillPlan {
  return (kill) => {
    let partStored = false;
    let checkpoints = 0;
    return killing(kill, {
      received: (request) => {
        if (!isPut(request, '/checkpoint.json') || !partStored) return false;
        partStored = false;
        return ++checkpoints === nth;
      },
      answered: (request, status) => {
        if (request.method === 'PUT' && isPart(request) && status === 200) partStored = true;
        return false;
      },
    });
  };
}

/** Killed when latest.json is about to move, after the manifest was stored. */
const betweenManifestAndLatest: KillPlan = (kill) => {
  let manifestStored = false;
  return killing(kill, {
    received: (request) => manifestStored && isPut(request, '/latest.json'),
    answered: (request, status) => {
      if (isPut(request, `/${MANIFEST}`) && status === 200) manifestStored = true;
      return false;
    },
  });
};

/** Killed at the `nth` S3 request: before it reaches the store, or right after its answer. */
function atRequest(nth: number, when: 'before' | 'after'): KillPlan {
  return (kill) => {
    let seen = 0;
    return killing(kill, {
      received: () => when === 'before' && ++seen === nth,
      answered: () => when === 'after' && ++seen === nth,
    });
  };
}

/**
 * The observer of a plan: kills when `received` (the request is dropped unsent) or `answered`
 * says so; from then on every request the dying process still sends is dropped.
 */
function killing(
  kill: () => void,
  plan: {
    received: (request: ProxiedRequest) => boolean;
    answered: (request: ProxiedRequest, status: number) => boolean;
  },
): RequestObserver {
  let killed = false;
  return {
    received(request) {
      if (!killed && plan.received(request)) {
        killed = true;
        kill();
      }
      return killed ? 'drop' : 'forward';
    },
    answered(request, status) {
      if (!killed && plan.answered(request, status)) {
        killed = true;
        kill();
      }
    },
  };
}

/** mulberry32: a small seeded PRNG, so the random kill points are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Workspace {
  readonly site: ConformanceSite;
  /** The export never killed: the snapshot every other one must equal. */
  readonly whole: S3Store;
  /** How many S3 requests the export never killed made, up to and including its manifest's PUT. */
  readonly untilManifest: number;
  /** A fresh store prefix for one test's exports. */
  store(name: string): Target;
  /** One `rollcall export` into the store, killed where `plan` says (if it gets that far). */
  exportOnce(target: Target, plan?: KillPlan): Promise<{ run: ProcessRun; killed: boolean }>;
}

/** A store prefix of the test bucket: read by the test, written by the CLI as `--store uri`. */
interface Target {
  readonly store: S3Store;
  readonly uri: string;
}

async function workspace(harness: ProviderHarness): Promise<Workspace> {
  const id = harness.adapter.id;
  const site = await harness.start({
    // Several pages for every provider, so that a site's answers make several parts.
    users: 1005,
    groups: 3,
    inactiveUsers: true,
    faults: { latencyMs: SITE_LATENCY_MS },
  });
  const folder = join(temp.path, id);
  await mkdir(join(folder, 'spill'), { recursive: true });
  await mkdir(join(folder, 'home'), { recursive: true });
  await writeFile(
    join(folder, 'rollcall.config.json'),
    JSON.stringify({
      store: 's3://unused',
      sites: [{ id: 'acme', provider: id, baseUrl: site.baseUrl, credentials: { env: 'ROLLCALL_ACME' } }],
    }),
  );
  // A bare environment: nothing of this machine's AWS set-up, only the local S3 server's.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: join(folder, 'home'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...s3.server.env,
    ROLLCALL_ACME: JSON.stringify(site.credentials),
  };
  const store = (name: string): Target => ({
    store: s3.store(`${id}-${name}`),
    uri: `s3://${s3.server.bucket}/${id}-${name}`,
  });

  async function exportOnce(target: Target, plan?: KillPlan) {
    let killed = false;
    let kill: (() => void) | undefined;
    s3.proxy.setObserver(
      plan?.(() => {
        killed = true;
        kill?.();
      }),
    );
    try {
      const child = processes.start(
        [
          'export',
          '--as-of',
          AS_OF,
          '--checkpoint-seconds',
          '0',
          '--spill-dir',
          'spill',
          '--store',
          target.uri,
        ],
        { cwd: folder, env },
      );
      kill = child.kill;
      return { run: await child.ended, killed };
    } finally {
      s3.proxy.setObserver(undefined);
    }
  }

  const whole = store('whole');
  let requests = 0;
  let untilManifest = 0;
  const counted = await exportOnce(whole, () => ({
    received: (request) => {
      requests += 1;
      if (isPut(request, `/${MANIFEST}`)) untilManifest = requests;
      return 'forward';
    },
  }));
  expect(counted.run.stderr).toBe('');
  expect(counted.run.code).toBe(0);
  return { site, whole: whole.store, untilManifest, store, exportOnce };
}

/**
 * The killed process's lease stays for 5 minutes unrenewed, and the next export waits it out
 * (README: "after waiting out the killed export's lease"). The test stands in for those minutes by
 * moving the lease's expiry into the past, as the clock would; the next export then takes it
 * over with the same conditional replace it uses on any expired lease.
 */
async function letLeaseExpire(store: S3Store): Promise<void> {
  const key = runLeaseKey('acme', RUN);
  const body = await store.get(key);
  if (body === undefined) return;
  const lease = JSON.parse(body.toString('utf8')) as { released: boolean; expiresAt: string };
  if (lease.released) return;
  await store.put(key, JSON.stringify({ ...lease, expiresAt: new Date(Date.now() - 1000).toISOString() }));
}

/**
 * Runs the export once per plan, each killed where its plan says (if it gets that far), and
 * then once more unkilled; returns the run that finished and how many were killed before it.
 */
async function exportUntilDone(
  ws: Workspace,
  target: Target,
  plans: readonly KillPlan[],
): Promise<{ finished: ProcessRun; kills: number }> {
  let kills = 0;
  for (const plan of [...plans, undefined]) {
    const { run, killed } = await ws.exportOnce(target, plan);
    if (killed) {
      expect(run.signal, run.stderr).toBe('SIGKILL');
      kills += 1;
      await letLeaseExpire(target.store);
      continue;
    }
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return { finished: run, kills };
  }
  throw new Error('unreachable: the last run has no plan');
}

async function keysUnder(store: S3Store, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys.sort();
}

/** Everything a finished run must be, compared with the export never killed. */
async function expectSameSnapshot(ws: Workspace, { store }: Target): Promise<void> {
  const files = await keysUnder(store, RUN_FOLDER);
  expect(files).toEqual(await keysUnder(ws.whole, RUN_FOLDER));
  for (const key of files.filter((name) => name !== MANIFEST))
    expect(Buffer.compare((await store.get(key)) as Buffer, (await ws.whole.get(key)) as Buffer), key).toBe(
      0,
    );
  expect(await comparableManifest(store, MANIFEST)).toEqual(await comparableManifest(ws.whole, MANIFEST));
  expect((await verifySnapshot(store, MANIFEST)).ok).toBe(true);

  const latest = JSON.parse(
    ((await store.get('snapshots/site=acme/latest.json')) as Buffer).toString('utf8'),
  );
  expect(latest).toMatchObject({ runId: RUN, key: MANIFEST });
  // What stays of a finished run under work/ is its lease, which nobody holds: no checkpoint, no part.
  expect(await keysUnder(store, 'work/site=acme/')).toEqual([runLeaseKey('acme', RUN)]);
  expect(await leaseState(store)).not.toBe('held');
}

/**
 * `released` by the export that finished the run; or `expired`: the killed export's, when the
 * run was complete before the next export came (it was killed between its manifest and
 * latest.json), which then had nothing to write the run under a lease for.
 */
async function leaseState(store: S3Store): Promise<'released' | 'expired' | 'held'> {
  const lease = JSON.parse(((await store.get(runLeaseKey('acme', RUN))) as Buffer).toString('utf8')) as {
    released: boolean;
    expiresAt: string;
  };
  if (lease.released) return 'released';
  return Date.parse(lease.expiresAt) <= Date.now() ? 'expired' : 'held';
}

describe.each(harnesses.map((harness) => [harness.adapter.id, harness] as const))(
  '%s: the exporting process killed, and the same command run again',
  (_id, harness) => {
    // One emulator site, and its export never killed, for all of this provider's tests.
    let shared: Workspace | undefined;
    beforeAll(async () => {
      shared = await workspace(harness);
    }, 60_000);
    afterAll(async () => {
      await shared?.site.close();
    });
    const started = (): Workspace => {
      if (shared === undefined) throw new Error('the workspace did not start');
      return shared;
    };

    it('between a part and the checkpoint that lists it: resumes, and counts that part once', async () => {
      const ws = started();
      const target = ws.store('part-checkpoint');
      const { finished, kills } = await exportUntilDone(ws, target, [betweenPartAndCheckpoint(2)]);
      expect(kills).toBe(1);
      expect(finished.stdout).toMatch(/^acme: resumed at .+ \(slice 2[;)]/m);
      await expectSameSnapshot(ws, target);
      expect(await leaseState(target.store)).toBe('released');
    }, 60_000);

    it('between the manifest and latest.json: the run is found complete and latest.json moves', async () => {
      const ws = started();
      const target = ws.store('manifest-latest');
      const { finished, kills } = await exportUntilDone(ws, target, [betweenManifestAndLatest]);
      expect(kills).toBe(1);
      expect(finished.stdout).toContain('acme: complete (this run was already complete');
      await expectSameSnapshot(ws, target);
      expect(await leaseState(target.store)).toBe('expired');
    }, 60_000);

    /*
     * Each kill lands at a random S3 request: the Nth, N drawn up to the manifest of the export
     * never killed, before the request reaches the store or right after its answer. The first
     * run is always killed; a resumed run replays what earlier ones made durable and writes fewer
     * parts, so its kill may land anywhere up to latest.json and the clean-up, or not at all (it
     * finished first). The last run is not killed.
     */
    it.each(SEEDS)(
      'seed %i: killed at random points again and again, the same snapshot as the export never killed',
      async (seed) => {
        const ws = started();
        const random = seeded(seed);
        const plans = Array.from({ length: KILLS_PER_SEED }, () =>
          atRequest(1 + Math.floor(random() * ws.untilManifest), random() < 0.5 ? 'before' : 'after'),
        );
        const target = ws.store(`seed-${seed}`);
        const { kills, finished } = await exportUntilDone(ws, target, plans);
        expect(kills).toBeGreaterThan(0);
        // Resumed from what the killed runs made durable (or, killed right after its manifest, found complete).
        expect(finished.stdout).toMatch(
          /^acme: (resumed at .+ \(slice \d+[;)]|complete \(this run was already complete)/m,
        );
        await expectSameSnapshot(ws, target);
      },
      90_000,
    );
  },
);
