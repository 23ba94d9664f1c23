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
import { nodeHttpTransport } from '../../functions/shared/http/transport.ts';
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

/** How many requests the emulator has answered, counted where they arrive. */
function requestsSoFar(): Promise<number> {
  child.send('requests');
  return new Promise((resolve) =>
    child.once('message', (message) => resolve((message as { requests: number }).requests)),
  );
}

/**
 * The same users chain with nothing of rollcall's in it: the product's HTTP transport, one
 * JSON.parse a page, no validation, no writing. What this machine's loopback and timers cost
 * on top of the latency, so the export's own overhead can be told apart from it.
 */
async function bareUsersChain(): Promise<{ seconds: number; pages: number }> {
  const transport = nodeHttpTransport();
  const headers = {
    'HTTP-X-PARTNER-AUTH': `${emulator.site}:${emulator.apiKey}`,
    accept: 'application/json',
  };
  const started = performance.now();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url = new URL('/api/v1/users', emulator.url);
    if (cursor !== null) url.searchParams.set('next_page_start', cursor);
    const response = await transport(url, { method: 'GET', headers, signal: AbortSignal.timeout(30_000) });
    cursor = (JSON.parse(response.text) as { next_page_start: string | null }).next_page_start;
    pages += 1;
  } while (cursor !== null);
  return { seconds: (performance.now() - started) / 1000, pages };
}

const directory = await mkdtemp(join(tmpdir(), 'rollcall-bench-'));
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
      clock: systemClock,
      toolVersion: TOOL_VERSION,
    },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const requests = await requestsSoFar();
  // Run second, on a warm emulator and warm code: the stricter baseline for the export.
  const bare = await bareUsersChain();
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
    [
      'bare HTTP chain',
      `${bare.seconds.toFixed(2)} s for the ${bare.pages} user pages alone (${((bare.seconds * 1000) / bare.pages).toFixed(1)} ms a page against ${latencyMs} ms of latency: this machine's own floor)`,
    ],
    [
      'wall ÷ machine floor',
      `${(wallSeconds / (floorSeconds + bare.seconds - (bare.pages * latencyMs) / 1000)).toFixed(3)} (the floor plus what the bare chain spent above its latency)`,
    ],
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
