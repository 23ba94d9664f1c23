/**
 * Applied restores of one site never interleave: each holds the site's restore lease from its
 * plan to its last record, through the real CLI against the periscope-v1 emulator.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const NIGHT = '2026-11-21T02:00:00Z';
const NIGHT_RUN = '20261121T020000Z';
const LEASE_KEY = 'work/site=acme/restore/lease.json';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Workspace {
  readonly site: PeriscopeV1Emulator;
  readonly store: FileStore;
  run(argv: readonly string[]): Promise<CliRun>;
}

/** A site exported at NIGHT, then three of its users deleted. */
async function afterAnAccident(): Promise<Workspace & { deleted: string[] }> {
  const site = await startPeriscopeV1Emulator({ users: 80, groups: 5, referenceDate: NIGHT });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('cli-restore-overlap');
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: [{ id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ACME' } }],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  const ws: Workspace = {
    site,
    store: new FileStore(join(temp.path, 'backups')),
    run: (argv) =>
      runRollcall(argv, {
        cwd: temp.path,
        env: { ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
      }),
  };
  expect((await ws.run(['export', '--as-of', NIGHT])).code).toBe(0);
  const deleted = site.state
    .users()
    .slice(5, 8)
    .map((user) => user.email);
  for (const email of deleted) site.state.removeUser(email);
  return { ...ws, deleted };
}

const applyRestore = [
  'restore',
  '--site',
  'acme',
  '--from',
  NIGHT_RUN,
  '--deleted-since',
  NIGHT_RUN,
  '--invited-by',
  'it-admin@acme.example',
  '--apply',
];

async function recordKeys(store: FileStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list('restores/')) keys.push(key);
  return keys;
}

describe('rollcall restore --apply: one restore of a site at a time', () => {
  it('refuses with exit 1 while another restore of the site is applying, and changes nothing', async () => {
    const ws = await afterAnAccident();
    const since = new Date(Date.now() - 10_000).toISOString();
    const until = new Date(Date.now() + 5 * 60_000).toISOString();
    await ws.store.put(
      LEASE_KEY,
      JSON.stringify({
        holder: 'another',
        purpose: 'restore',
        acquiredAt: since,
        expiresAt: until,
        released: false,
      }),
    );
    ws.site.resetRequestLog();

    const run = await ws.run(applyRestore);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `site acme is being written by another restore since ${since}; try again when it has finished (if it has stopped, its lease expires at ${until}).`,
    );
    expect(ws.site.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(await recordKeys(ws.store)).toEqual([]);
    // A dry run writes nothing, so it needs no lease.
    expect((await ws.run(applyRestore.slice(0, -1))).code).toBe(0);
  });

  it('two restores started together: one applies the plan, the other refuses; each user is created once', async () => {
    const ws = await afterAnAccident();

    const runs = await Promise.all([ws.run(applyRestore), ws.run(applyRestore)]);

    const codes = runs.map((run) => run.code).sort();
    expect(codes).toEqual([0, 1]);
    const refused = runs.find((run) => run.code === 1) as CliRun;
    expect(refused.stderr).toMatch(/site acme is being written by another restore since \d{4}-/);
    for (const email of ws.deleted)
      expect(ws.site.state.users().some((user) => user.email === email)).toBe(true);
    const creates = ws.site.requests.filter(
      (request) => request.method === 'POST' && /users/.test(request.path),
    );
    expect(creates).toHaveLength(ws.deleted.length);
    // One record, written by the restore that applied.
    expect((await recordKeys(ws.store)).map((key) => key.split('/').pop()).sort()).toEqual([
      'plan.json',
      'result.json',
    ]);
  });
});
