/**
 * What a person running `rollcall export` sees when another export is writing the same run, when
 * an export died holding it, and when the run's scheduled time (`--as-of`) is impossible or in
 * the future — through the real CLI, against the periscope-v1 emulator and a file:// store.
 */
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { latestPointerKey, runLeaseKey } from '../../functions/snapshot/layout.ts';
import { readLatest, verifySnapshot } from '../../functions/snapshot/read-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RUN = '20261122T020000Z';
const AS_OF = '2026-11-22T02:00:00Z';

interface Workspace {
  readonly store: FileStore;
  run(argv: readonly string[]): Promise<CliRun>;
}

async function workspace(): Promise<Workspace> {
  const site: PeriscopeV1Emulator = await startPeriscopeV1Emulator({ users: 60, groups: 4 });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('cli-export-overlap');
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: [
      { id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ROLLCALL_ACME' } },
    ],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  const env = { ROLLCALL_ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) };
  return {
    store: new FileStore(join(temp.path, 'backups')),
    run: (argv) => runRollcall(['export', ...argv], { cwd: temp.path, env }),
  };
}

/** The lease another export holds (or held, if it died), as that export wrote it. */
function leaseOf(acquiredAt: string, expiresAt: string): string {
  return JSON.stringify({
    holder: 'another-export',
    purpose: 'export',
    acquiredAt,
    expiresAt,
    released: false,
  });
}

async function snapshotKeys(store: FileStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list('snapshots/')) keys.push(key);
  return keys;
}

describe('rollcall export: one writer per run', () => {
  it('refuses with exit 1 while another export is writing the same run, and writes nothing', async () => {
    const ws = await workspace();
    const since = new Date(Date.now() - 60_000).toISOString();
    const until = new Date(Date.now() + 4 * 60_000).toISOString();
    await ws.store.put(runLeaseKey('acme', RUN), leaseOf(since, until));

    const run = await ws.run(['--as-of', AS_OF]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `acme: FAILED — run ${RUN} of site acme is being written by another export since ${since}; try again when it has finished (if it has stopped, its lease expires at ${until}).\n`,
    );
    expect(await snapshotKeys(ws.store)).toEqual([]);
  });

  it('takes over the lease of an export that died once it has expired, and completes the run', async () => {
    const ws = await workspace();
    await ws.store.put(
      runLeaseKey('acme', RUN),
      leaseOf(new Date(Date.now() - 20 * 60_000).toISOString(), new Date(Date.now() - 60_000).toISOString()),
    );

    const run = await ws.run(['--as-of', AS_OF]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const latest = await readLatest(ws.store, 'acme');
    expect(latest?.runId).toBe(RUN);
    expect((await verifySnapshot(ws.store, latest?.key ?? '')).ok).toBe(true);
    // The lease is released: the next export of the run is not refused, and finds it complete.
    const again = await ws.run(['--as-of', AS_OF]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('acme: complete (this run was already complete');
  });
});

describe('rollcall export after a crash', () => {
  it('removes temporary files a crashed write left hours ago, and keeps the snapshot it writes', async () => {
    const ws = await workspace();
    const folder = join(ws.store.root, 'snapshots/site=acme/date=2026-11-21/run=20261121T020000Z');
    await mkdir(folder, { recursive: true });
    const leftover = join(folder, '.rollcall-tmp-5e1f09a2c4d3b6e7');
    await writeFile(leftover, 'half of a users.csv');
    const hoursAgo = new Date(Date.now() - 7 * 60 * 60 * 1000);
    await utimes(leftover, hoursAgo, hoursAgo);

    const run = await ws.run(['--as-of', AS_OF]);

    expect(run.code).toBe(0);
    expect(await readdir(folder)).toEqual([]);
    expect((await verifySnapshot(ws.store, (await readLatest(ws.store, 'acme'))?.key ?? '')).ok).toBe(true);
  });
});

describe('rollcall export --as-of', () => {
  it('refuses an impossible date with exit 2, naming the flag, instead of rolling it over', async () => {
    const ws = await workspace();
    const run = await ws.run(['--as-of', '2026-02-30T02:00:00Z']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'rollcall: --as-of: "2026-02-30T02:00:00Z" is not a real calendar time (no such day, hour, minute or offset).\n',
    );
    expect(await snapshotKeys(ws.store)).toEqual([]);
  });

  it('refuses a time more than a day ahead with exit 2, saying the limit', async () => {
    const ws = await workspace();
    const run = await ws.run(['--as-of', '9999-12-31T23:59:59Z']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^rollcall: --as-of: "9999-12-31T23:59:59Z" is more than a day ahead of now \(\d{4}-.*Z\); a run may be scheduled at most 24 hours ahead\.\n$/,
    );
    expect(await snapshotKeys(ws.store)).toEqual([]);
  });

  it('a latest.json left on a far-future run does not freeze it: the next real run replaces it, with a warning', async () => {
    const ws = await workspace();
    const bogus = {
      runId: '99991231T235959Z',
      key: 'snapshots/site=acme/date=9999-12-31/run=99991231T235959Z/manifest.json',
    };
    await ws.store.put(latestPointerKey('acme'), JSON.stringify(bogus));

    const run = await ws.run(['--as-of', AS_OF]);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `acme: warning — latest.json pointed at run 99991231T235959Z, which is more than a day ahead of now (${run.stderr.match(/now \((.*?)\)/)?.[1]}); a run may be scheduled at most 24 hours ahead; it was treated as invalid and now points at run ${RUN}\n`,
    );
    expect((await readLatest(ws.store, 'acme'))?.runId).toBe(RUN);
  });
});
