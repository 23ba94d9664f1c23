import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import { readLatest } from '../../functions/snapshot/read-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import {
  endlessBody,
  type HostileServer,
  hugeClaimedBody,
  startHostileServer,
} from '../support/hostile-server.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CAP = 64 * 1024;
const AS_OF = '2026-11-21T02:00:00Z';

async function hostile(answer: Parameters<typeof startHostileServer>[0]): Promise<HostileServer> {
  const server = await startHostileServer(answer);
  cleanups.push(() => server.close());
  return server;
}

/**
 * Two Periscope v1 sites in one config: `good` (the emulator) and `evil` (a hostile server), both
 * with a small response cap so the test sends little.
 */
async function exportBoth(evilUrl: string, http: Record<string, unknown> = {}) {
  const emulator = await startPeriscopeV1Emulator({ users: 150, groups: 5 });
  cleanups.push(() => emulator.close());
  const temp = await makeTempDir('hostile');
  cleanups.push(() => temp.remove());
  const site = (id: string, baseUrl: string) => ({
    id,
    provider: 'periscope-v1',
    baseUrl,
    credentials: { env: 'CREDENTIALS' },
    http: { maxRetries: 1, maxResponseBytes: CAP, ...http },
  });
  await writeFile(
    join(temp.path, 'rollcall.config.json'),
    JSON.stringify({ store: 'file://./backups', sites: [site('evil', evilUrl), site('good', emulator.url)] }),
  );
  const run: CliRun = await runRollcall(['export', '--as-of', AS_OF], {
    cwd: temp.path,
    env: { CREDENTIALS: JSON.stringify({ site: emulator.site, apiKey: emulator.apiKey }) },
  });
  return { run, store: new FileStore(join(temp.path, 'backups')) };
}

function expectOneSiteFailed(run: CliRun): void {
  expect(run.code).toBe(1);
  const printed = run.stdout + run.stderr;
  expect(printed).not.toMatch(/ERR_STRING_TOO_LONG|RangeError|\n\s+at /);
  expect(printed).toMatch(/evil/);
}

describe('a hostile server on one site of a run', () => {
  it('stops reading a body that claims 600 MB: that site fails with the cap named, the other exports', async () => {
    const server = await hostile(hugeClaimedBody(600 * 1024 * 1024));
    const { run, store } = await exportBoth(server.url);
    expectOneSiteFailed(run);
    const printed = run.stdout + run.stderr;
    expect(printed).toContain('/api/v1/users');
    expect(printed).toContain(`${CAP} bytes`);
    expect(printed).toContain('http.maxResponseBytes');
    expect(server.bytesSent()).toBeLessThan(CAP);
    expect((await readLatest(store, 'good'))?.runId).toBe('20261121T020000Z');
    expect(await readLatest(store, 'evil')).toBeUndefined();
  });

  it('cuts an endless body off at the cap instead of reading it until the timeout', async () => {
    // Bounded at 64 MiB so a client without a cap still ends, with far more than the cap read.
    const server = await hostile(endlessBody(64 * 1024 * 1024));
    const { run, store } = await exportBoth(server.url);
    expectOneSiteFailed(run);
    expect(run.stdout + run.stderr).toContain('grew past the cap');
    // The socket's buffers hold a little more than the cap when the client hangs up, never the body.
    expect(server.bytesSent()).toBeLessThan(CAP + 8 * 1024 * 1024);
    expect((await readLatest(store, 'good'))?.runId).toBe('20261121T020000Z');
  });

  it('still times out a body that trickles in under the cap', async () => {
    const server = await hostile(endlessBody(CAP / 2, 50));
    const { run, store } = await exportBoth(server.url, { timeoutSeconds: 0.5, maxRetries: 0 });
    expectOneSiteFailed(run);
    expect(run.stdout + run.stderr).toContain('no complete response in time');
    expect((await readLatest(store, 'good'))?.runId).toBe('20261121T020000Z');
  });
});
