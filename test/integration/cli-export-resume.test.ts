/**
 * What a person sees when `rollcall export` finds the run's checkpoint (an export that stopped
 * part-way, or was killed): it resumes and says where, `--restart` starts over, and
 * `--slice-seconds` cuts the export into slices as the deployed stack does — through the real
 * CLI, against the periscope-v1 emulator and a file:// store.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import { exportSite } from '../../functions/export/export-site.ts';
import type { Checkpoint } from '../../functions/export/slices/checkpoint.ts';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { runCheckpointKey, runLeaseKey } from '../../functions/snapshot/layout.ts';
import { verifySnapshot } from '../../functions/snapshot/read-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { runRollcall } from '../support/cli.ts';
import { noSleep, pageBudget, testSite } from '../support/sliced-export.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RUN = '20261122T020000Z';
const AS_OF = '2026-11-22T02:00:00Z';

async function workspace() {
  const site = await startPeriscopeV1Emulator({ users: 350, groups: 4 });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('cli-export-resume');
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: [
      { id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ROLLCALL_ACME' } },
    ],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  const credentials = { site: site.site, apiKey: site.apiKey };
  const store = new FileStore(join(temp.path, 'backups'));
  const rollcall = (argv: readonly string[]) =>
    runRollcall(argv, { cwd: temp.path, env: { ROLLCALL_ACME: JSON.stringify(credentials) } });
  return {
    store,
    run: (argv: readonly string[]) => rollcall(['export', ...argv]),
    rollcall,
    /** The first slice of the run, as the deployed stack would run it, which then stopped for good. */
    async stoppedSlice() {
      const result = await exportSite(
        testSite('periscope-v1', site.url),
        periscopeV1,
        credentials,
        new Date(AS_OF),
        { store, clock: systemClock, toolVersion: 'test', sleep: noSleep, slice: pageBudget(2) },
      );
      expect(result.status).toBe('in-progress');
      // Its lease has lapsed since: the slices stopped (a failed execution, a killed process).
      await store.put(
        runLeaseKey('acme', RUN),
        JSON.stringify({
          holder: 'the-stopped-slices',
          purpose: 'export',
          acquiredAt: new Date(Date.now() - 600_000).toISOString(),
          expiresAt: new Date(Date.now() - 300_000).toISOString(),
          released: false,
        }),
      );
    },
  };
}

describe('rollcall export: checkpoints', () => {
  it('resumes the run from its checkpoint, says where, and finishes the same verified snapshot', async () => {
    const ws = await workspace();
    await ws.stoppedSlice();
    const checkpoint = JSON.parse(
      (await ws.store.get(runCheckpointKey('acme', RUN)))?.toString('utf8') ?? '{}',
    ) as Checkpoint;
    const recorded = checkpoint.parts.reduce((sum, part) => sum + part.entries, 0);

    const run = await ws.run(['--as-of', AS_OF]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Every answer the first slice recorded is asked for again, and answered from its parts.
    expect(recorded).toBeGreaterThan(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `acme: resumed at users page 2 of ~4 \\(slice 2; ${recorded} answers replayed in \\d+\\.\\ds\\)\n`,
      ),
    );
    expect(run.stdout).toContain('acme: complete — ');
    const verified = await verifySnapshot(
      ws.store,
      `snapshots/site=acme/date=2026-11-22/run=${RUN}/manifest.json`,
    );
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(verified.manifest).toMatchObject({ slices: 2, counts: { users: 350 } });
    expect(await ws.store.get(runCheckpointKey('acme', RUN))).toBeUndefined();
  });

  it('--restart discards the checkpoint and exports from the beginning', async () => {
    const ws = await workspace();
    await ws.stoppedSlice();

    const run = await ws.run(['--as-of', AS_OF, '--restart']);

    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('resumed');
    const verified = await verifySnapshot(
      ws.store,
      `snapshots/site=acme/date=2026-11-22/run=${RUN}/manifest.json`,
    );
    expect(verified.ok && verified.manifest.slices).toBe(undefined);
    expect(verified.ok && verified.manifest.counts.users).toBe(350);
  });

  it('--slice-seconds exports in slices to the same complete snapshot', async () => {
    const ws = await workspace();
    const run = await ws.run(['--as-of', AS_OF, '--slice-seconds', '60']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('acme: complete — ');
  });

  it('--slice-seconds refuses what is not a number of seconds, with what to type', async () => {
    const ws = await workspace();
    const run = await ws.run(['--as-of', AS_OF, '--slice-seconds', '0.5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--slice-seconds: "0.5" is not a whole number of seconds from 1 to 86400, such as 60.',
    );
  });

  it.each([['export'], ['run']])(
    '%s --checkpoint-seconds refuses what is not a whole number of seconds, with what to type',
    async (command) => {
      const ws = await workspace();
      const run = await ws.rollcall([command, '--as-of', AS_OF, '--checkpoint-seconds', '1.5']);
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'rollcall: --checkpoint-seconds: "1.5" is not a whole number of seconds from 0 to 86400, such as 60.\n',
      });
      expect(
        await ws.store.get(`snapshots/site=acme/date=2026-11-22/run=${RUN}/manifest.json`),
      ).toBeUndefined();
    },
  );
});
