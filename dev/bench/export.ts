/**
 * `npm run bench:export`: 50,000 users and 200 groups behind 10 ms of latency per request,
 * exported to a local file store. Prints requests, wall time, the latency floor, wall ÷ floor,
 * peak RSS and users per second. Figures, not assertions: the README quotes them.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../functions/config/load-config.ts';
import { exportSites } from '../../functions/export/export-sites.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { createStore } from '../../functions/store/create-store.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '50000' },
    groups: { type: 'string', default: '200' },
    latency: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
  },
});
const users = Number(values.users);
const groups = Number(values.groups);
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);

const child = fork(
  join(import.meta.dirname, 'emulator-process.ts'),
  [JSON.stringify({ users, groups, seed: 1, faults: { latencyMs } })],
  {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  },
);
const emulator = await new Promise<{ url: string; site: string; apiKey: string }>((resolve, reject) => {
  child.once('message', (message) => resolve(message as { url: string; site: string; apiKey: string }));
  child.once('exit', (code) => reject(new Error(`the emulator exited with code ${code}`)));
});

const directory = await mkdtemp(join(tmpdir(), 'rollcall-bench-'));
let requests = 0;
const countingFetch: typeof fetch = (input, init) => {
  requests += 1;
  return fetch(input, init);
};
try {
  const config = parseConfig(
    JSON.stringify({
      store: `file://${directory}`,
      sites: [
        {
          id: 'bench',
          provider: 'periscope-v1',
          baseUrl: emulator.url,
          credentials: { env: 'BENCH_CREDENTIALS' },
          http: { concurrency },
        },
      ],
    }),
    'bench config',
  );
  const started = performance.now();
  const run = await exportSites(
    config.sites,
    systemClock.now(),
    {
      env: { BENCH_CREDENTIALS: JSON.stringify({ site: emulator.site, apiKey: emulator.apiKey }) },
      configDirectory: directory,
    },
    {
      store: createStore(config.store, { cwd: directory }),
      fetch: countingFetch,
      clock: systemClock,
      toolVersion: TOOL_VERSION,
    },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const result = run.sites[0];
  if (!result || result.status === 'failed') throw new Error(`export failed: ${result?.reason}`);
  const source = result.source;
  const cursorRequests = (source.users?.pages ?? 0) + (source.groups?.pages ?? 0);
  const detailRequests = source.groupDetails?.pages ?? 0;
  const floorSeconds = (cursorRequests * latencyMs + (detailRequests * latencyMs) / concurrency) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const figures = [
    ['users', result.counts.users.toLocaleString('en-US')],
    ['groups', result.counts.groups.toLocaleString('en-US')],
    ['status', result.status],
    ['latency per request', `${latencyMs} ms`],
    ['group-detail concurrency', String(concurrency)],
    ['requests', requests.toLocaleString('en-US')],
    ['wall', `${wallSeconds.toFixed(2)} s`],
    [
      'floor',
      `${floorSeconds.toFixed(2)} s (${cursorRequests} cursor requests × ${latencyMs} ms + ${detailRequests} group details × ${latencyMs} ms ÷ ${concurrency})`,
    ],
    ['wall ÷ floor', `${(wallSeconds / floorSeconds).toFixed(3)} (target ≤ 1.15)`],
    ['peak RSS', `${peakRssMb.toFixed(0)} MB (target ≤ 200 MB)`],
    ['users per second', Math.round(result.counts.users / wallSeconds).toLocaleString('en-US')],
  ];
  const width = Math.max(...figures.map(([name]) => (name ?? '').length));
  process.stdout.write(
    `rollcall bench:export · ${new Date().toISOString().slice(0, 10)} · node ${process.version}\n`,
  );
  for (const [name, value] of figures) process.stdout.write(`  ${(name ?? '').padEnd(width)}  ${value}\n`);
} finally {
  child.disconnect();
  await rm(directory, { recursive: true, force: true });
}
