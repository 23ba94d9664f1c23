import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type PeriscopeV1Emulator,
  type PeriscopeV1EmulatorOptions,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emulator(options: PeriscopeV1EmulatorOptions = {}): Promise<PeriscopeV1Emulator> {
  const started = await startPeriscopeV1Emulator({ users: 150, groups: 5, ...options });
  cleanups.push(() => started.close());
  return started;
}

interface Workspace {
  readonly dir: string;
  run(argv?: readonly string[]): Promise<CliRun>;
  /** What is under the config's `file://./backups` store: absent until something is written. */
  storeContents(): Promise<string[] | 'absent'>;
}

/** A config with one site per entry, each reading its credentials from ROLLCALL_<ID>. */
async function workspace(
  sites: readonly { id: string; baseUrl: string }[],
  env: Record<string, string>,
  store = 'file://./backups',
): Promise<Workspace> {
  const temp = await makeTempDir('cli-validate');
  cleanups.push(() => temp.remove());
  const config = {
    store,
    sites: sites.map((site) => ({
      ...site,
      provider: 'periscope-v1',
      credentials: { env: `ROLLCALL_${site.id.toUpperCase()}` },
    })),
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config, null, 2));
  return {
    dir: temp.path,
    run: (argv = []) => runRollcall(['validate', ...argv], { cwd: temp.path, env }),
    async storeContents() {
      try {
        return await readdir(join(temp.path, 'backups'), { recursive: true });
      } catch {
        return 'absent';
      }
    },
  };
}

const credentialsFor = (site: PeriscopeV1Emulator, apiKey = site.apiKey) =>
  JSON.stringify({ site: site.site, apiKey });

describe('rollcall validate', () => {
  it('says ok for every site whose key is accepted, and writes nothing', async () => {
    const east = await emulator({ site: 'acme-east' });
    const west = await emulator({ site: 'acme-west', users: 0 });
    const ws = await workspace(
      [
        { id: 'east', baseUrl: east.url },
        { id: 'west', baseUrl: west.url },
      ],
      { ROLLCALL_EAST: credentialsFor(east), ROLLCALL_WEST: credentialsFor(west) },
    );

    const run = await ws.run();

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      'rollcall.config.json: config is valid (2 sites)\n' +
        'east: ok — credentials accepted by periscope-v1\n' +
        'west: ok — credentials accepted by periscope-v1\n',
    );
    expect(await ws.storeContents()).toBe('absent');
    // One cheap call per site: the first page of users, nothing more.
    for (const site of [east, west]) {
      expect(site.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
        'GET /api/v1/users 200',
      ]);
    }
  });

  it('fails a site whose key is rejected (exit 1), still checks the others, and never prints a key', async () => {
    const site = await emulator();
    const wrongKey = 'f00dfeed-0000-4bad-8bad-000000000bad';
    const ws = await workspace(
      [
        { id: 'good', baseUrl: site.url },
        { id: 'bad', baseUrl: site.url },
      ],
      { ROLLCALL_GOOD: credentialsFor(site), ROLLCALL_BAD: credentialsFor(site, wrongKey) },
    );

    const text = await ws.run();
    const json = await ws.run(['--json']);

    expect(text.code).toBe(1);
    expect(text.stdout).toContain('good: ok — credentials accepted by periscope-v1');
    expect(text.stdout).not.toContain('bad: ok');
    expect(text.stderr).toMatch(/^bad: FAILED — .*the API rejected the key \(403\)/m);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({
      config: join(ws.dir, 'rollcall.config.json'),
      ok: false,
      sites: [
        { site: 'good', provider: 'periscope-v1', status: 'ok' },
        { site: 'bad', provider: 'periscope-v1', status: 'failed', failure: 'auth' },
      ],
    });
    for (const run of [text, json]) {
      for (const key of [wrongKey, site.apiKey]) {
        expect(run.stdout).not.toContain(key);
        expect(run.stderr).not.toContain(key);
      }
    }
    expect(await ws.storeContents()).toBe('absent');
  });

  it('says the API is not enabled for a site that answers 404 (exit 1)', async () => {
    const site = await emulator({ apiEnabled: false });
    const ws = await workspace([{ id: 'acme', baseUrl: site.url }], { ROLLCALL_ACME: credentialsFor(site) });

    const run = await ws.run();

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^acme: FAILED — .*User and Group Management API is not enabled/m);
    expect(await ws.storeContents()).toBe('absent');
  });

  it('stops at a config mistake with one message naming the file (exit 2)', async () => {
    const site = await emulator();
    const ws = await workspace([{ id: 'acme', baseUrl: site.url }], {});

    const run = await ws.run();

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'rollcall: rollcall.config.json: site acme: credentials.env: environment variable ROLLCALL_ACME is not set.\n',
    );
    expect(site.requests).toEqual([]);
    expect(await ws.storeContents()).toBe('absent');
  });

  it('rejects a store URI the export could not use (exit 2)', async () => {
    const site = await emulator();
    const ws = await workspace(
      [{ id: 'acme', baseUrl: site.url }],
      { ROLLCALL_ACME: credentialsFor(site) },
      's3://Rollcall_Backups/nightly',
    );

    const run = await ws.run();

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^rollcall: rollcall\.config\.json: store "s3:\/\/Rollcall_Backups\/nightly" is not usable: "Rollcall_Backups" is not a valid S3 bucket name;/,
    );
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
