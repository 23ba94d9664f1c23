/**
 * One provider's export benchmark, run by `dev/bench/export.ts` in a fresh process so its peak
 * RSS is its own: the emulator in a child process with latency on every request, the real export
 * into a temporary file store, and the figures sent back over IPC.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../functions/config/load-config.ts';
import { exportSites } from '../../functions/export/export-sites.ts';
import type { ProviderId } from '../../functions/providers/port.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { createStore } from '../../functions/store/create-store.ts';
import type { RouteKind } from '../emulators/shared/faults.ts';

export interface ExportBenchOptions {
  readonly provider: ProviderId;
  readonly users: number;
  readonly groups: number;
  readonly latencyMs: number;
  readonly concurrency: number;
  /** The spill directory the export sorts in; the parent watches its size. */
  readonly spillDirectory: string;
  readonly sortMemoryMb: number;
  /** Cut the export into slices of this many seconds, each a fresh call, as the state machine does. */
  readonly sliceSeconds?: number;
}

export interface ExportBenchFigures {
  readonly provider: ProviderId;
  readonly status: string;
  readonly users: number;
  readonly groups: number;
  readonly requests: Partial<Record<RouteKind, number>>;
  readonly wallSeconds: number;
  /** CPU time of the exporting process during the export (user + system). */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  /** Slices the export took (1 unless sliced). */
  readonly slices: number;
  /** Seconds the slices after the first spent replaying what the ones before them read. */
  readonly replaySeconds: number;
}

const options: ExportBenchOptions = JSON.parse(process.argv[2] ?? '{}');
const emulatorProcess = fork(
  join(import.meta.dirname, 'emulator-process.ts'),
  [
    JSON.stringify({
      provider: options.provider,
      users: options.users,
      groups: options.groups,
      seed: 1,
      latencyMs: options.latencyMs,
    }),
  ],
  { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
);
const emulator = await new Promise<{ url: string; credentials: unknown }>((resolve, reject) => {
  emulatorProcess.once('message', (message) => resolve(message as { url: string; credentials: unknown }));
  emulatorProcess.once('exit', (code) => reject(new Error(`the emulator exited with code ${code}`)));
});

const directory = await mkdtemp(join(tmpdir(), 'rollcall-bench-'));
try {
  const config = parseConfig(
    JSON.stringify({
      store: `file://${directory}`,
      sites: [
        {
          id: 'bench',
          provider: options.provider,
          baseUrl: emulator.url,
          credentials: { env: 'BENCH_CREDENTIALS' },
          http: { concurrency: options.concurrency },
        },
      ],
    }),
    'bench config',
  );
  const scheduledAt = systemClock.now();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const slice = () => {
    if (options.sliceSeconds === undefined) return {};
    const deadline = Date.now() + options.sliceSeconds * 1000;
    return { slice: { remainingMs: () => deadline - Date.now() } };
  };
  const exportSlice = () =>
    exportSites(
      config.sites,
      scheduledAt,
      { env: { BENCH_CREDENTIALS: JSON.stringify(emulator.credentials) }, configDirectory: directory },
      {
        store: createStore(config.store, { cwd: directory }),
        clock: systemClock,
        toolVersion: TOOL_VERSION,
        spill: { directory: options.spillDirectory, memoryBudgetBytes: options.sortMemoryMb * 1024 * 1024 },
        ...slice(),
      },
    );
  let run = await exportSlice();
  let replaySeconds = 0;
  const replayed = () => {
    const site = run.sites[0];
    if (site?.status !== 'failed') replaySeconds += site?.replayed?.seconds ?? 0;
  };
  while (run.sites[0]?.status === 'in-progress') {
    run = await exportSlice();
    replayed();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  emulatorProcess.send('requests');
  const requests = await new Promise<Partial<Record<RouteKind, number>>>((resolve) =>
    emulatorProcess.once('message', (message) =>
      resolve((message as { requests: Partial<Record<RouteKind, number>> }).requests),
    ),
  );
  const result = run.sites[0];
  if (!result || result.status === 'failed') throw new Error(`export failed: ${result?.reason}`);
  const figures: ExportBenchFigures = {
    provider: options.provider,
    status: result.status,
    users: result.counts.users,
    groups: result.counts.groups,
    requests,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    slices: result.slices,
    replaySeconds,
  };
  process.send?.(figures);
} finally {
  emulatorProcess.disconnect();
  await rm(directory, { recursive: true, force: true });
}
