/**
 * Ctrl-C in the middle of `rollcall export`: the installed command (`node bin/rollcall.js`, the
 * bundle the test set-up built) is sent SIGINT while it pages a slow site. It stops at its next
 * request, keeps what it read, releases the run and says so; the same command run again at once
 * resumes it and writes the snapshot an export never interrupted writes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import { exportSite } from '../../functions/export/export-site.ts';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { runCheckpointKey, runLeaseKey } from '../../functions/snapshot/layout.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { comparableManifest, noSleep, testSite } from '../support/sliced-export.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const bin = fileURLToPath(new URL('../../bin/rollcall.js', import.meta.url));
const AS_OF = '2026-11-22T02:00:00Z';
const RUN = '20261122T020000Z';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `rollcall export` as a process; `interruptWhen` is polled, and SIGINT sent once it holds. */
async function rollcallExport(
  cwd: string,
  env: Record<string, string>,
  interruptWhen?: () => boolean,
): Promise<Exited> {
  const child: ChildProcess = spawn(process.execPath, [bin, 'export', '--as-of', AS_OF], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = once(child, 'exit');
  if (interruptWhen !== undefined) {
    const poll = setInterval(() => {
      if (child.exitCode === null && interruptWhen()) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 10);
    cleanups.push(async () => clearInterval(poll));
  }
  const [code] = (await exited) as [number | null];
  return { code, stdout, stderr };
}

describe('rollcall export interrupted with Ctrl-C', () => {
  it('keeps what it read and releases the run; the same command resumes at once and writes the same snapshot', async () => {
    // 30 pages of users at 40 ms each: over a second of paging to interrupt.
    const site = await startPeriscopeV1Emulator({ users: 3_000, groups: 6, faults: { latencyMs: 40 } });
    cleanups.push(() => site.close());
    const temp = await makeTempDir('cli-export-interrupt');
    cleanups.push(() => temp.remove());
    const credentials = { site: site.site, apiKey: site.apiKey };
    await writeFile(
      join(temp.path, 'rollcall.config.json'),
      JSON.stringify({
        store: 'file://./backups',
        sites: [{ id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ACME' } }],
      }),
    );
    const env = { ACME: JSON.stringify(credentials) };
    const usersPages = () => site.requests.filter((request) => request.kind === 'users-list').length;

    const whole = new FileStore(join(temp.path, 'whole'));
    const once = await exportSite(
      testSite('periscope-v1', site.url),
      periscopeV1,
      credentials,
      new Date(AS_OF),
      {
        store: whole,
        clock: systemClock,
        toolVersion: 'test',
        sleep: noSleep,
      },
    );
    if (once.status !== 'complete') throw new Error(`the export in one go: ${once.status}`);
    const pagesOfAnExport = usersPages();
    site.resetRequestLog();

    const interrupted = await rollcallExport(temp.path, env, () => usersPages() >= 8);
    expect(interrupted.code).toBe(1);
    expect(interrupted.stderr).toContain('rollcall: interrupted — stopping at the next request');
    expect(interrupted.stderr).toMatch(
      /acme: IN PROGRESS — stopped at users page \d+ of ~30 when interrupted; run the same command again to go on from there\./,
    );
    const store = new FileStore(join(temp.path, 'backups'));
    expect(await store.get(runCheckpointKey('acme', RUN))).toBeDefined();
    const lease = JSON.parse((await store.get(runLeaseKey('acme', RUN)))?.toString('utf8') ?? '{}');
    expect(lease).toMatchObject({ released: true });
    const askedBefore = usersPages();

    site.resetRequestLog();
    const resumed = await rollcallExport(temp.path, env);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(
      /acme: resumed at users page \d+ of ~30 \(slice 2; [\d,]+ answers replayed in/,
    );
    // Every page read before the interrupt was kept: the resumed export asked only for the rest.
    expect(askedBefore + usersPages()).toBe(pagesOfAnExport);

    const manifestKey = `snapshots/site=acme/date=2026-11-22/run=${RUN}/manifest.json`;
    expect(await comparableManifest(store, manifestKey)).toEqual(
      await comparableManifest(whole, once.manifestKey),
    );
    expect(await store.get(runCheckpointKey('acme', RUN))).toBeUndefined();
  });
});
