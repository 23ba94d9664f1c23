import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type PeriscopeV1Emulator,
  type PeriscopeV1EmulatorOptions,
  type PeriscopeV1Faults,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import {
  readLatest,
  readManifestAt,
  readUsers,
  verifySnapshot,
} from '../../functions/snapshot/read-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { type CliRun, type CliRunOptions, runRollcall } from '../support/cli.ts';
import { startTestS3 } from '../support/local-s3.ts';
import { SNAPSHOT_FILE_NAMES } from '../support/snapshot-files.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emulator(options: PeriscopeV1EmulatorOptions = {}): Promise<PeriscopeV1Emulator> {
  const started = await startPeriscopeV1Emulator({ users: 120, groups: 6, ...options });
  cleanups.push(() => started.close());
  return started;
}

interface SiteEntry {
  readonly id: string;
  readonly provider?: string;
  readonly baseUrl: string;
  readonly credentials?: Record<string, string>;
  readonly [key: string]: unknown;
}

/** A temporary working directory with a config file in it, and the environment its sites read. */
interface Workspace {
  readonly dir: string;
  /** The config file's `file://./backups` store, read back the way rollcall reads it. */
  readonly store: FileStore;
  run(argv: readonly string[], clients?: CliRunOptions['clients']): Promise<CliRun>;
}

const envNameOf = (id: string) => `ROLLCALL_${id.toUpperCase().replaceAll('-', '_')}`;

/** Credentials JSON for a site of the emulator. */
const credentialsFor = (site: PeriscopeV1Emulator, apiKey = site.apiKey) =>
  JSON.stringify({ site: site.site, apiKey });

async function workspace(sites: readonly SiteEntry[], env: Record<string, string> = {}): Promise<Workspace> {
  const temp = await makeTempDir('cli-export');
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: sites.map((site) => ({
      provider: 'periscope-v1',
      credentials: { env: envNameOf(site.id) },
      ...site,
    })),
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return {
    dir: temp.path,
    store: new FileStore(join(temp.path, 'backups')),
    run: (argv, clients) =>
      runRollcall(['export', ...argv], { cwd: temp.path, env, ...(clients ? { clients } : {}) }),
  };
}

/** One site, `acme`, on the given emulator, its credentials in the environment. */
function oneSite(site: PeriscopeV1Emulator, extra: Partial<SiteEntry> = {}): Promise<Workspace> {
  return workspace([{ id: 'acme', baseUrl: site.url, ...extra }], { ROLLCALL_ACME: credentialsFor(site) });
}

/** The counts a complete snapshot of the emulator must hold, from its ground truth. */
function truthCounts(site: PeriscopeV1Emulator) {
  const users = site.state.users();
  return {
    users: users.length,
    groups: site.state.groupCount,
    memberships: users.reduce((sum, user) => sum + new Set(user.groups).size, 0),
  };
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

const runFolder = (site: string, date: string, runId: string) =>
  `snapshots/site=${site}/date=${date}/run=${runId}/`;
const totalRetries = (source: Record<string, { retries: number }>) =>
  Object.values(source).reduce((sum, listing) => sum + listing.retries, 0);

/** A port nothing listens on: bound by the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Not a single stack frame in what the user sees. */
function expectNoStack(run: CliRun) {
  expect(`${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.startsWith('    at '))).toEqual([]);
}

describe('rollcall export', () => {
  it('exports a site completely into a file:// store and moves latest.json to it', async () => {
    const site = await emulator({ users: 150, groups: 8 });
    const ws = await oneSite(site);

    const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const folder = runFolder('acme', '2026-11-22', '20261122T020000Z');
    const manifestPath = ws.store.locate(`${folder}manifest.json`);
    expect(run.stdout).toContain('run 20261122T020000Z (scheduled 2026-11-22T02:00:00.000Z)');
    expect(run.stdout).toContain(`acme: complete — ${manifestPath}`);
    expect((await readdir(join(ws.dir, 'backups', ...folder.split('/')))).sort()).toEqual(
      SNAPSHOT_FILE_NAMES,
    );

    expect(await readLatest(ws.store, 'acme')).toEqual({
      runId: '20261122T020000Z',
      key: `${folder}manifest.json`,
    });
    const manifest = await readManifestAt(ws.store, `${folder}manifest.json`);
    expect(manifest).toMatchObject({
      site: 'acme',
      provider: 'periscope-v1',
      runId: '20261122T020000Z',
      scheduledAt: '2026-11-22T02:00:00.000Z',
      status: 'complete',
      counts: truthCounts(site),
    });
    expect(manifest?.reason).toBeUndefined();
    const verification = await verifySnapshot(ws.store, `${folder}manifest.json`);
    expect(verification.problems).toEqual([]);
    expect(verification.ok).toBe(true);

    const keys: string[] = [];
    for await (const user of readUsers(ws.store, folder)) keys.push(user.key);
    expect(keys).toEqual(site.state.users().map((user) => user.email.toLowerCase()));
  });

  it('sorts in --spill-dir within --sort-memory, and leaves nothing there', async () => {
    const site = await emulator({ users: 150, groups: 8 });
    const ws = await oneSite(site);
    const spill = await makeTempDir('cli-spill');
    cleanups.push(() => spill.remove());

    const run = await ws.run([
      '--as-of',
      '2026-11-22T02:00:00Z',
      '--spill-dir',
      spill.path,
      '--sort-memory',
      '1',
    ]);

    expect(run.code).toBe(0);
    const manifest = await readManifestAt(
      ws.store,
      `${runFolder('acme', '2026-11-22', '20261122T020000Z')}manifest.json`,
    );
    expect(manifest).toMatchObject({ status: 'complete', counts: truthCounts(site) });
    expect(await readdir(spill.path)).toEqual([]);
  });

  it('prints exactly one JSON document with --json, and no progress output', async () => {
    const site = await emulator({ users: 130 });
    const ws = await oneSite(site);

    const run = await ws.run(['--json', '--as-of', '2026-11-22T02:00:00Z']);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    // One document: two (or a document and a progress line) would not parse.
    expect(JSON.parse(run.stdout)).toMatchObject({
      runId: '20261122T020000Z',
      scheduledAt: '2026-11-22T02:00:00.000Z',
      ok: true,
      sites: [
        {
          site: 'acme',
          provider: 'periscope-v1',
          status: 'complete',
          counts: truthCounts(site),
          manifestKey: `${runFolder('acme', '2026-11-22', '20261122T020000Z')}manifest.json`,
          latestMoved: true,
        },
      ],
    });
    expect(run.stdout).not.toMatch(/[░█]|users \|/);
  });

  it.each([0, 1, 99, 100, 101, 250])('pages a site of %i users to its end', async (users) => {
    const site = await emulator({ users, groups: 4 });
    const ws = await oneSite(site);

    const run = await ws.run(['--json', '--as-of', '2026-11-22T02:00:00Z']);

    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as {
      sites: { status: string; counts: { users: number }; source: Record<string, { pages: number }> }[];
    };
    expect(document.sites[0]?.status).toBe('complete');
    expect(document.sites[0]?.counts).toEqual(truthCounts(site));
    expect(document.sites[0]?.counts.users).toBe(users);
    expect(document.sites[0]?.source.users?.pages).toBe(Math.max(1, Math.ceil(users / 100)));
    const manifest = await readManifestAt(
      ws.store,
      `${runFolder('acme', '2026-11-22', '20261122T020000Z')}manifest.json`,
    );
    expect(manifest?.counts).toEqual(truthCounts(site));
  });

  it('writes to an S3 store through --store, with the injected S3 client', async () => {
    // Its client is built as rollcall builds one: s3ClientOptions(endpoint), the server's region and keys.
    const s3 = await startTestS3();
    cleanups.push(() => s3.stop());
    const site = await emulator({ users: 140 });
    const ws = await oneSite(site);

    const run = await ws.run(
      ['--store', `s3://${s3.server.bucket}/nightly`, '--as-of', '2026-11-22T02:00:00Z'],
      { s3: s3.client },
    );

    expect(run.code).toBe(0);
    const folder = runFolder('acme', '2026-11-22', '20261122T020000Z');
    expect(run.stdout).toContain(`acme: complete — s3://${s3.server.bucket}/nightly/${folder}manifest.json`);
    const store = s3.store('nightly');
    expect((await keysUnder(store, folder)).map((key) => key.slice(folder.length))).toEqual(
      SNAPSHOT_FILE_NAMES,
    );
    const latest = await readLatest(store, 'acme');
    expect(latest).toEqual({ runId: '20261122T020000Z', key: `${folder}manifest.json` });
    const verification = await verifySnapshot(store, `${folder}manifest.json`);
    expect(verification.ok).toBe(true);
    expect(verification.manifest.counts).toEqual(truthCounts(site));
    // Nothing went to the config file's own store.
    expect(await keysUnder(ws.store, '')).toEqual([]);
  });

  it('exports the good site of two when the other key is rejected, and never prints a key', async () => {
    const site = await emulator({ users: 110 });
    const wrongKey = 'e0e0e0e0-dead-beef-0000-0badc0ffee00';
    const ws = await workspace(
      [
        { id: 'good', baseUrl: site.url },
        { id: 'bad', baseUrl: site.url },
      ],
      { ROLLCALL_GOOD: credentialsFor(site), ROLLCALL_BAD: credentialsFor(site, wrongKey) },
    );
    const earlier = await ws.run(['--site', 'good', '--as-of', '2026-11-21T02:00:00Z']);
    expect(earlier.code).toBe(0);

    const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('good: complete —');
    expect(run.stderr).toMatch(/^bad: FAILED — .*rejected the key \(403\)/m);
    expect(run.stderr).not.toContain('good:');
    for (const key of [wrongKey, site.apiKey]) {
      expect(run.stdout).not.toContain(key);
      expect(run.stderr).not.toContain(key);
    }
    expect(await readLatest(ws.store, 'good')).toEqual({
      runId: '20261122T020000Z',
      key: `${runFolder('good', '2026-11-22', '20261122T020000Z')}manifest.json`,
    });
    expect(await readLatest(ws.store, 'bad')).toBeUndefined();
    // The failed site's run holds only its failure record, which says why and holds no key.
    const failureKey = `${runFolder('bad', '2026-11-22', '20261122T020000Z')}failure.json`;
    expect(await keysUnder(ws.store, 'snapshots/site=bad/')).toEqual([failureKey]);
    const record = JSON.parse(String(await ws.store.get(failureKey)));
    expect(record).toMatchObject({ site: 'bad', runId: '20261122T020000Z', failure: 'auth' });
    expect(record.reason).toMatch(/rejected the key \(403\)/);
    for (const key of [wrongKey, site.apiKey]) expect(JSON.stringify(record)).not.toContain(key);

    const json = await ws.run(['--json', '--as-of', '2026-11-23T02:00:00Z']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      sites: [
        { site: 'good', status: 'complete' },
        { site: 'bad', status: 'failed', failure: 'auth' },
      ],
    });
    for (const key of [wrongKey, site.apiKey]) expect(`${json.stdout}${json.stderr}`).not.toContain(key);
  });

  describe('a site that cannot be exported fails it with a message to act on (exit 1)', () => {
    it('says the API is not enabled when every route answers 404', async () => {
      const site = await emulator({ apiEnabled: false });
      const ws = await oneSite(site);

      const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^acme: FAILED — .*API is not enabled for this site/m);
      expect(run.stdout).toMatch(/acme\s+periscope-v1\s+FAILED/);
      // The failure record, and the run's released lease (under work/, expired by lifecycle).
      expect(await keysUnder(ws.store, '')).toEqual([
        `${runFolder('acme', '2026-11-22', '20261122T020000Z')}failure.json`,
        'work/site=acme/run=20261122T020000Z/lease.json',
      ]);
      expectNoStack(run);
    });

    it('names the host it cannot reach', async () => {
      const port = await closedPort();
      const ws = await workspace([{ id: 'acme', baseUrl: `http://127.0.0.1:${port}` }], {
        ROLLCALL_ACME: JSON.stringify({ site: 'acme', apiKey: 'k-1234567890' }),
      });

      const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^acme: FAILED — .*cannot reach 127\\.0\\.0\\.1:${port}`, 'm'));
      expect(await readLatest(ws.store, 'acme')).toBeUndefined();
      expectNoStack(run);
    });

    it('gives up on a server that keeps answering 5xx', async () => {
      const site = await emulator({
        faults: { serverErrors: { count: Number.POSITIVE_INFINITY, status: 503 } },
      });
      const ws = await oneSite(site, { http: { maxRetries: 2 } });

      const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^acme: FAILED — .*kept failing.*503/m);
      expect(await readLatest(ws.store, 'acme')).toBeUndefined();
      expectNoStack(run);
    });
  });

  describe('a retried run lands on the same keys', () => {
    it('a retry of a complete run asks the API for nothing and leaves the snapshot as it was', async () => {
      const site = await emulator({ users: 150 });
      const ws = await oneSite(site);
      expect((await ws.run(['--as-of', '2026-11-22T02:00:00Z'])).code).toBe(0);
      const folder = runFolder('acme', '2026-11-22', '20261122T020000Z');
      const before = await readManifestAt(ws.store, `${folder}manifest.json`);
      const [someone] = site.state.users();
      site.state.updateUser(someone?.email ?? '', { first_name: 'Changed Since' });
      site.resetRequestLog();

      const retry = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

      expect(retry.code).toBe(0);
      expect(retry.stdout).toContain(
        'acme: complete (this run was already complete: nothing was read or written again)',
      );
      expect(site.requests).toEqual([]);
      expect(await readManifestAt(ws.store, `${folder}manifest.json`)).toEqual(before);
      expect((await verifySnapshot(ws.store, `${folder}manifest.json`)).ok).toBe(true);
    });

    it('a retry after an incomplete attempt exports the run again and completes it', async () => {
      const site = await emulator({ users: 250 });
      const ws = await oneSite(site);
      site.setFaults({ drift: { afterPage: 1, add: 7, remove: 3 } });
      expect((await ws.run(['--as-of', '2026-11-22T02:00:00Z'])).code).toBe(1);
      expect(await readLatest(ws.store, 'acme')).toBeUndefined();

      site.setFaults({});
      const retry = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

      expect(retry.code).toBe(0);
      const folder = runFolder('acme', '2026-11-22', '20261122T020000Z');
      expect(await readLatest(ws.store, 'acme')).toEqual({
        runId: '20261122T020000Z',
        key: `${folder}manifest.json`,
      });
      const manifest = await readManifestAt(ws.store, `${folder}manifest.json`);
      expect(manifest?.status).toBe('complete');
      expect(manifest?.counts).toEqual(truthCounts(site));
      expect((await verifySnapshot(ws.store, `${folder}manifest.json`)).ok).toBe(true);
    });
  });

  describe('an incomplete export says so and keeps latest.json on the previous complete run', () => {
    it.each<[string, PeriscopeV1Faults, RegExp]>([
      [
        'a repeated cursor',
        { repeatCursor: { fromPage: 2 } },
        /stopped after \d+ pages .*sent a next-page cursor it had already sent/,
      ],
      [
        'drift while paging',
        { drift: { afterPage: 1, add: 7, remove: 3 } },
        /the API reported 254 users, \d+ were collected: users were probably added or removed/,
      ],
      [
        '5xx that persists after the first page',
        { serverErrors: { after: 1, count: Number.POSITIVE_INFINITY, status: 503, route: 'users-list' } },
        /stopped after 1 page .*the API kept failing .*HTTP 503/,
      ],
    ])('%s', async (_name, faults, reason) => {
      const site = await emulator({ users: 250 });
      const ws = await oneSite(site);
      const first = await ws.run(['--as-of', '2026-11-21T02:00:00Z']);
      expect(first.code).toBe(0);

      site.setFaults(faults);
      const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

      expect(run.code).toBe(1);
      const folder = runFolder('acme', '2026-11-22', '20261122T020000Z');
      const manifest = await readManifestAt(ws.store, `${folder}manifest.json`);
      expect(manifest?.status).toBe('incomplete');
      expect(manifest?.reason).toMatch(reason);
      expect(run.stderr).toContain(`acme: INCOMPLETE — ${manifest?.reason}`);
      expect(run.stderr).toContain('latest.json still points at the previous complete run');
      expect(run.stdout).not.toContain('acme: complete');
      expect(await readLatest(ws.store, 'acme')).toEqual({
        runId: '20261121T020000Z',
        key: `${runFolder('acme', '2026-11-21', '20261121T020000Z')}manifest.json`,
      });
      // The incomplete run's files are kept for inspection, and they are what the manifest says.
      expect((await verifySnapshot(ws.store, `${folder}manifest.json`)).ok).toBe(true);
    });
  });

  it.each<[string, PeriscopeV1Faults]>([
    ['429 with Retry-After: 0', { rateLimit: { count: 3, retryAfterSeconds: 0, route: 'users-list' } }],
    ['a short burst of 5xx', { serverErrors: { after: 1, count: 2, status: 502, route: 'users-list' } }],
    ['a reset connection', { resetConnection: { after: 1, count: 1, route: 'users-list' } }],
    ['a truncated body', { truncatedBody: { after: 1, count: 1, route: 'users-list' } }],
    ['a 5xx on a group detail', { serverErrors: { count: 1, status: 500, route: 'group-detail' } }],
  ])('recovers from %s and exports completely', async (_name, faults) => {
    const site = await emulator({ users: 230, faults });
    const ws = await oneSite(site);

    const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('acme: complete —');
    const manifest = await readManifestAt(
      ws.store,
      `${runFolder('acme', '2026-11-22', '20261122T020000Z')}manifest.json`,
    );
    expect(manifest?.status).toBe('complete');
    expect(manifest?.counts).toEqual(truthCounts(site));
    expect(totalRetries(manifest?.source ?? {})).toBeGreaterThan(0);
  });

  describe('a config, credential or usage mistake is one message and exit 2', () => {
    /** Exit 2, nothing on stdout, one line on stderr, no stack trace, nothing written. */
    async function expectUsageError(ws: Workspace, run: CliRun): Promise<string> {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expectNoStack(run);
      expect(await keysUnder(ws.store, '')).toEqual([]);
      return lines[0] ?? '';
    }

    async function withConfig(config: unknown, env: Record<string, string> = {}): Promise<Workspace> {
      const ws = await workspace([], env);
      await writeFile(join(ws.dir, 'rollcall.config.json'), JSON.stringify(config, null, 2));
      return ws;
    }

    const site = (extra: Record<string, unknown> = {}) => ({
      id: 'acme',
      provider: 'periscope-v1',
      baseUrl: 'http://127.0.0.1:9',
      credentials: { env: 'ROLLCALL_ACME' },
      ...extra,
    });
    const goodCredentials = { ROLLCALL_ACME: JSON.stringify({ site: 'acme', apiKey: 'k-1234567890' }) };

    it('a missing config file', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site()] });
      const message = await expectUsageError(ws, await ws.run(['--config', 'nightly.json']));
      expect(message).toBe('rollcall: nightly.json: file not found. Pass the config file with --config.');
    });

    it('an unknown key', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site({ colour: 'blue' })] });
      const message = await expectUsageError(ws, await ws.run([]));
      expect(message).toBe('rollcall: rollcall.config.json: sites[0] (acme): unknown key "colour"');
    });

    it('a bad site id', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site({ id: 'Acme_EU' })] });
      const message = await expectUsageError(ws, await ws.run([]));
      expect(message).toBe(
        'rollcall: rollcall.config.json: sites[0] (Acme_EU).id: must be 1–63 lower-case letters, digits or dashes',
      );
    });

    it('an unknown provider', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site({ provider: 'periscope-v9' })] });
      const message = await expectUsageError(ws, await ws.run([]));
      expect(message).toBe(
        'rollcall: rollcall.config.json: sites[0] (acme).provider: must be one of "periscope-v1", "periscope-v2", "lumapps", "trivore"',
      );
    });

    it('a credentials variable that is not set', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site()] });
      const message = await expectUsageError(ws, await ws.run([]));
      expect(message).toBe(
        'rollcall: rollcall.config.json: site acme: credentials.env: environment variable ROLLCALL_ACME is not set.',
      );
    });

    it('a credentials file that does not exist', async () => {
      const ws = await withConfig({
        store: 'file://./backups',
        sites: [site({ credentials: { file: 'secrets/acme.json' } })],
      });
      const message = await expectUsageError(ws, await ws.run([]));
      expect(message).toBe(
        `rollcall: rollcall.config.json: site acme: credentials.file: secrets/acme.json not found (looked at ${join(ws.dir, 'secrets', 'acme.json')}).`,
      );
    });

    it('credentials that are not valid JSON, without echoing them', async () => {
      const secret = 'k-7f3a9c2e-only-in-the-secret';
      const ws = await withConfig(
        { store: 'file://./backups', sites: [site({ credentials: { file: 'acme.json' } })] },
        {},
      );
      await writeFile(join(ws.dir, 'acme.json'), `{"site": "acme", "apiKey": "${secret}"`);
      const run = await ws.run([]);
      const message = await expectUsageError(ws, run);
      expect(message).toBe(
        'rollcall: rollcall.config.json: site acme: credentials from file acme.json are not valid JSON.',
      );
      expect(run.stderr).not.toContain(secret);
    });

    it('an unknown --site', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site()] }, goodCredentials);
      const message = await expectUsageError(ws, await ws.run(['--site', 'acme', '--site', 'globex']));
      expect(message).toBe('rollcall: rollcall.config.json: no site "globex" (sites: acme).');
    });

    it('a bad --as-of', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site()] }, goodCredentials);
      const message = await expectUsageError(ws, await ws.run(['--as-of', '22/11/2026 02:00']));
      expect(message).toBe(
        'rollcall: --as-of: "22/11/2026 02:00" is not an ISO-8601 time such as 2026-11-22T02:00:00Z.',
      );
    });

    it('a bad --sort-memory', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site()] }, goodCredentials);
      const message = await expectUsageError(ws, await ws.run(['--sort-memory', '64MB']));
      expect(message).toBe(
        'rollcall: --sort-memory: "64MB" is not a whole number of megabytes from 1 to 65536, such as 64.',
      );
    });

    it('a bad --store URI', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site()] }, goodCredentials);
      const message = await expectUsageError(ws, await ws.run(['--store', 'ftp://backups.example.com/x']));
      expect(message).toMatch(
        /^rollcall: --store: store "ftp:\/\/backups\.example\.com\/x" is not usable: the scheme is not one rollcall knows; use file:\/\//,
      );
    });

    it('an unknown option, with a suggestion', async () => {
      const ws = await withConfig({ store: 'file://./backups', sites: [site()] }, goodCredentials);
      const run = await ws.run(['--as-at', '2026-11-22']);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe("error: unknown option '--as-at'\n(Did you mean --as-of?)\n");
      expect(await keysUnder(ws.store, '')).toEqual([]);
    });
  });

  it('prints the stack of a site’s failure with --debug, and only then', async () => {
    const site = await emulator({ users: 5 });
    const ws = await oneSite(site);
    // The store's directory is a file: nothing can be written under it.
    await writeFile(join(ws.dir, 'backups'), 'not a directory\n');

    const plain = await ws.run(['--as-of', '2026-11-22T02:00:00Z']);
    const debug = await ws.run(['--debug', '--as-of', '2026-11-22T02:00:00Z']);

    for (const run of [plain, debug]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^acme: FAILED — site acme: .*backups/m);
    }
    expectNoStack(plain);
    expect(debug.stderr.split('\n').filter((line) => line.startsWith('    at ')).length).toBeGreaterThan(0);
  });

  describe('credentials from Secrets Manager', () => {
    const secretsManager = mockClient(SecretsManagerClient);
    afterEach(() => {
      secretsManager.reset();
    });
    afterAll(() => {
      secretsManager.restore();
    });
    const clients = () => ({ secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }) });

    it('exports with the secret’s credentials', async () => {
      const site = await emulator({ users: 105 });
      secretsManager
        .on(GetSecretValueCommand, { SecretId: 'rollcall/acme' })
        .resolves({ SecretString: credentialsFor(site) });
      const ws = await workspace([
        { id: 'acme', baseUrl: site.url, credentials: { secretId: 'rollcall/acme' } },
      ]);

      const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z'], clients());

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('acme: complete —');
      expect(run.stdout).not.toContain(site.apiKey);
      const latest = await readLatest(ws.store, 'acme');
      expect(latest?.runId).toBe('20261122T020000Z');
      const manifest = await readManifestAt(ws.store, latest?.key ?? '');
      expect(manifest?.counts).toEqual(truthCounts(site));
    });

    it('names a secret that does not exist (exit 2)', async () => {
      const site = await emulator({ users: 1 });
      secretsManager.on(GetSecretValueCommand).rejects(
        new ResourceNotFoundException({
          message: 'Secrets Manager can’t find the specified secret.',
          $metadata: {},
        }),
      );
      const ws = await workspace([
        { id: 'acme', baseUrl: site.url, credentials: { secretId: 'rollcall/gone' } },
      ]);

      const run = await ws.run(['--as-of', '2026-11-22T02:00:00Z'], clients());

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'rollcall: rollcall.config.json: site acme: credentials.secretId: no secret named rollcall/gone in Secrets Manager.\n',
      );
      expect(await keysUnder(ws.store, '')).toEqual([]);
    });
  });
});

describe('the installed bin', () => {
  const bin = fileURLToPath(new URL('../../bin/rollcall.js', import.meta.url));
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

  /** Runs `node bin/rollcall.js <args>` as a user's shell would; a non-zero exit is a result, not an error. */
  function rollcallBin(
    args: readonly string[],
    cwd: string,
    extraEnv: Record<string, string> = {},
  ): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const options = { cwd, env: { ...env, ...extraEnv } };
      execFile(process.execPath, [bin, ...args], options, (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });
  }

  it('prints its version', async () => {
    const run = await rollcallBin(['--version'], process.cwd());
    expect(run).toEqual({ code: 0, stdout: `${TOOL_VERSION}\n`, stderr: '' });
  });

  it('exits 2 with one message and no stack trace when the config file is missing', async () => {
    const temp = await makeTempDir('cli-bin');
    cleanups.push(() => temp.remove());
    const run = await rollcallBin(['export', '--config', 'missing.json'], temp.path);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('rollcall: missing.json: file not found. Pass the config file with --config.\n');
    expectNoStack(run);
  });

  it('exports to an S3-compatible server named by AWS_ENDPOINT_URL, as the SDK’s convention has it', async () => {
    const s3 = await startTestS3();
    cleanups.push(() => s3.stop());
    const site = await emulator({ users: 120 });
    const ws = await workspace([{ id: 'acme', baseUrl: site.url }]);
    const config = join(ws.dir, 'rollcall.config.json');
    const { AWS_ENDPOINT_URL_S3: endpoint = '', ...sdkEnv } = s3.server.env;
    // A host name, not an IP: without path-style addressing the SDK would ask for <bucket>.localhost.
    const byName = endpoint.replace('127.0.0.1', 'localhost');

    const run = await rollcallBin(
      [
        'export',
        '--config',
        config,
        '--store',
        `s3://${s3.server.bucket}/bin`,
        '--as-of',
        '2026-11-22T02:00:00Z',
      ],
      ws.dir,
      { ...sdkEnv, AWS_ENDPOINT_URL: byName, ROLLCALL_ACME: credentialsFor(site) },
    );

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const folder = runFolder('acme', '2026-11-22', '20261122T020000Z');
    expect(run.stdout).toContain(`acme: complete — s3://${s3.server.bucket}/bin/${folder}manifest.json`);
    const verification = await verifySnapshot(s3.store('bin'), `${folder}manifest.json`);
    expect(verification.ok).toBe(true);
    expect(verification.manifest.counts).toEqual(truthCounts(site));
  });
});
