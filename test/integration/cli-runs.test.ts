import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Workspace {
  readonly dir: string;
  readonly site: PeriscopeV1Emulator;
  readonly store: FileStore;
  run(argv: readonly string[], env?: Record<string, string>): Promise<CliRun>;
}

/** One site `acme` on a fresh emulator; its credentials in ACME, a file:// store beside the config. */
async function workspace(users = 60): Promise<Workspace> {
  const site = await startPeriscopeV1Emulator({ users, groups: 4, referenceDate: '2026-11-21T02:00:00Z' });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('cli-runs');
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: [{ id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ACME' } }],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  const credentials = JSON.stringify({ site: site.site, apiKey: site.apiKey });
  return {
    dir: temp.path,
    site,
    store: new FileStore(join(temp.path, 'backups')),
    run: (argv, env = {}) => runRollcall(argv, { cwd: temp.path, env: { ACME: credentials, ...env } }),
  };
}

/**
 * Four runs of acme: 11-20 complete and audited, 11-21 02:00 complete, 11-21 14:00 failed (the
 * key was refused), 11-22 complete and audited. latest.json names 11-22.
 */
async function fourRuns(): Promise<Workspace> {
  const ws = await workspace();
  const ok = async (argv: readonly string[]) => expect((await ws.run(argv)).code).toBe(0);
  await ok(['run', '--as-of', '2026-11-20T02:00:00Z']);
  await ok(['export', '--as-of', '2026-11-21T02:00:00Z']);
  const refused = await ws.run(['export', '--as-of', '2026-11-21T14:00:00Z'], {
    ACME: JSON.stringify({ site: ws.site.site, apiKey: 'not-the-key' }),
  });
  expect(refused.code).toBe(1);
  await ok(['run', '--as-of', '2026-11-22T02:00:00Z']);
  return ws;
}

/** Every directory under `root` that holds nothing. */
async function emptyDirectories(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const dirs = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name));
  const empty: string[] = [];
  for (const dir of dirs) if ((await readdir(dir)).length === 0) empty.push(dir);
  return empty;
}

describe('rollcall runs', () => {
  it('lists every run newest first: status, counts, audit and FAIL counts, latest.json, and why a run failed', async () => {
    const ws = await fourRuns();

    const text = await ws.run(['runs', '--site', 'acme']);

    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('rollcall runs · site acme · 4 runs · latest: 20261122T020000Z');
    expect(lines[2]).toMatch(
      /^run\s+scheduled\s+status\s+users\s+groups\s+memberships\s+audited\s+FAIL high\s+medium\s+low$/,
    );
    const rows = lines.slice(3, 7);
    expect(rows.map((row) => row.split(/\s{2,}/)[0])).toEqual([
      '20261122T020000Z',
      '20261121T140000Z',
      '20261121T020000Z',
      '20261120T020000Z',
    ]);
    expect(rows[0]).toMatch(
      /^20261122T020000Z\s+2026-11-22 02:00:00\s+complete\s+60\s+4\s+\d+\s+yes\s+\d+\s+\d+\s+\d+\s+← latest\.json$/,
    );
    expect(rows[1]).toMatch(/^20261121T140000Z\s+2026-11-21 14:00:00\s+failed\s+-\s+-\s+-\s+no\s+-\s+-\s+-$/);
    expect(rows[2]).toMatch(
      /^20261121T020000Z\s+2026-11-21 02:00:00\s+complete\s+60\s+4\s+\d+\s+no\s+-\s+-\s+-$/,
    );
    expect(rows[3]).toMatch(/^20261120T020000Z\s+2026-11-20 02:00:00\s+complete\s+60\s+4\s+\d+\s+yes\s+\d+/);
    expect(text.stdout).toMatch(/^20261121T140000Z: failed — .*rejected the key \(403\)/m);

    const json = await ws.run(['runs', '--site', 'acme', '--json']);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.latestRunId).toBe('20261122T020000Z');
    expect(document.runs.map((run: { status: string }) => run.status)).toEqual([
      'complete',
      'failed',
      'complete',
      'complete',
    ]);
    expect(document.runs[0]).toMatchObject({
      runId: '20261122T020000Z',
      scheduledAt: '2026-11-22T02:00:00.000Z',
      counts: { users: 60, groups: 4 },
      audited: true,
      latest: true,
    });
    expect(Object.keys(document.runs[0].fails)).toEqual(['high', 'medium', 'low']);
    expect(document.runs[1]).toMatchObject({ status: 'failed', audited: false, latest: false });
    expect(document.runs[1].reason).toMatch(/rejected the key \(403\)/);
    // The failed run left its record and nothing else: no empty folders in the store.
    expect(await emptyDirectories(join(ws.dir, 'backups'))).toEqual([]);
  });

  it('shows an incomplete run with its reason, and a run still being written as in progress', async () => {
    const ws = await workspace(250);
    ws.site.setFaults({ drift: { afterPage: 1, add: 7, remove: 3 } });
    expect((await ws.run(['export', '--as-of', '2026-11-21T02:00:00Z'])).code).toBe(1);
    // Files of a run whose export has not written its manifest yet.
    await ws.store.put('snapshots/site=acme/date=2026-11-22/run=20261122T020000Z/users.csv', 'key\r\n');

    const run = await ws.run(['runs', '--site', 'acme']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rollcall runs · site acme · 2 runs · no complete run yet');
    expect(run.stdout).toMatch(/^20261122T020000Z\s+2026-11-22 02:00:00\s+in progress\s/m);
    expect(run.stdout).toMatch(/^20261121T020000Z\s+2026-11-21 02:00:00\s+incomplete\s+\d+/m);
    expect(run.stdout).toMatch(/^20261121T020000Z: incomplete — .+/m);
    expect(run.stdout).toMatch(/^20261122T020000Z: in progress — no manifest yet/m);
  });

  it('says how to make the first run when a site has none, and exits 2 for an unknown site', async () => {
    const ws = await workspace();
    const none = await ws.run(['runs', '--site', 'acme']);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(
      /^rollcall runs · site acme · no runs in .*site=acme\nExport one with: rollcall export --site acme\n$/,
    );
    const unknown = await ws.run(['runs', '--site', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('rollcall: rollcall.config.json: no site "nope" (sites: acme).\n');
  });
});

describe('run names: latest, previous, a date, a run id', () => {
  it('audits, diffs and restores from the run each name stands for', async () => {
    const ws = await fourRuns();

    const previous = await ws.run(['audit', '--run', 'previous']);
    expect(previous.code).toBe(0);
    expect(previous.stdout).toContain(
      'rollcall audit · site acme · run 20261121T020000Z against 20261120T020000Z',
    );

    // A date is that day's last complete run: the failed 14:00 run is passed over.
    const day = await ws.run(['audit', '--run', '2026-11-21']);
    expect(day.stdout).toContain('run 20261121T020000Z against 20261120T020000Z');
    const latest = await ws.run(['audit', '--run', 'LATEST']);
    expect(latest.stdout).toContain('run 20261122T020000Z against 20261121T020000Z');

    const diff = await ws.run(['diff', '--site', 'acme', '--from', '2026-11-20', '--to', 'latest', '--json']);
    expect(diff.code).toBe(0);
    expect(JSON.parse(diff.stdout)).toMatchObject({
      diff: { fromRunId: '20261120T020000Z', toRunId: '20261122T020000Z' },
    });

    const restore = await ws.run([
      'restore',
      '--site',
      'acme',
      '--from',
      'previous',
      '--deleted-since',
      '2026-11-20',
      '--invited-by',
      'it@example.com',
      '--json',
    ]);
    expect(restore.code).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ fromRunId: '20261121T020000Z', mode: 'dry-run' });
  });

  it('says what the site has when a name matches no run (exit 2)', async () => {
    const ws = await fourRuns();
    const noDay = await ws.run(['audit', '--run', '2026-11-19']);
    expect(noDay.code).toBe(2);
    expect(noDay.stderr).toBe(
      'acme: NOTHING TO AUDIT — site acme has no run on 2026-11-19 (the latest complete run is 20261122T020000Z); `rollcall runs --site acme` lists its runs.\n',
    );
    const diff = await ws.run(['diff', '--site', 'acme', '--from', '2026-11-23', '--to', 'latest']);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toBe(
      'rollcall: --from 2026-11-23: site acme has no run on 2026-11-23 (the latest complete run is 20261122T020000Z); `rollcall runs --site acme` lists its runs.\n',
    );
  });

  it('says there is no previous run when a site has one complete run', async () => {
    const ws = await workspace();
    expect((await ws.run(['export', '--as-of', '2026-11-21T02:00:00Z'])).code).toBe(0);
    const run = await ws.run(['diff', '--site', 'acme', '--from', 'previous', '--to', 'latest']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'rollcall: --from previous: site acme has one complete run, 20261121T020000Z (latest), and none before it, so there is no previous run; `rollcall runs --site acme` lists its runs.\n',
    );
  });

  it.each([
    ['2026-02-31', 'not a calendar day'],
    ['20261122T250000Z', 'not a time of day'],
    ['yesterday', 'not a name rollcall knows'],
  ])('refuses %s (%s) and says what a run name is (exit 2)', async (value) => {
    const ws = await workspace();
    const run = await ws.run(['diff', '--site', 'acme', '--from', value, '--to', 'latest']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `rollcall: --from: "${value}" is not a run: use latest, previous, a date like 2026-11-21 or a run id from \`rollcall runs --site acme\`.\n`,
    );
  });

  it.each([
    [['audit', '--run', '<runId>'], '--run'],
    [['diff', '--site', 'acme', '--from', '<runId>', '--to', 'latest'], '--from'],
    [['restore', '--site', 'acme', '--from', '<runId>', '--memberships'], '--from'],
    [['restore', '--site', 'acme', '--from', 'latest', '--deleted-since', '<runId>'], '--deleted-since'],
    [['share', '--site', 'acme', '--run', '<runId>', '--store', 's3://reports'], '--run'],
  ])('answers a README placeholder typed literally: %j', async (argv, flag) => {
    const ws = await workspace();
    const run = await ws.run(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `rollcall: ${flag}: '<runId>' is a placeholder: use latest, previous, a date like 2026-11-21 or a run id from \`rollcall runs --site acme\`.\n`,
    );
  });
});
