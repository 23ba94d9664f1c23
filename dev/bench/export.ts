/**
 * `npm run bench:export`: every provider's export of 50,000 users behind 10 ms of latency per
 * request, each in a fresh process, against its emulator in another. Prints one table: requests,
 * wall time, the latency floor, wall ÷ floor against the target, and peak RSS. Figures, not
 * assertions: the README quotes them.
 */
import { fork } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_HEAP_FLAGS } from '../../functions/lambda/contract.ts';
import type { ProviderId } from '../../functions/providers/port.ts';
import type { RouteKind } from '../emulators/shared/faults.ts';
import { emulatedProviders } from '../emulators/start-emulator.ts';
import type { ExportBenchFigures, ExportBenchOptions } from './export-one.ts';

const { values } = parseArgs({
  options: {
    provider: { type: 'string', multiple: true },
    users: { type: 'string', default: '50000' },
    groups: { type: 'string', default: '200' },
    latency: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    'sort-memory': { type: 'string', default: '32' },
    /** Also export each site in slices of this many seconds, and print both wall times. */
    'slice-seconds': { type: 'string' },
  },
});
const sliceSeconds = values['slice-seconds'] === undefined ? undefined : Number(values['slice-seconds']);
if (sliceSeconds !== undefined && !(sliceSeconds > 0))
  throw new Error('--slice-seconds takes a number of seconds, such as 60');
const providers = (values.provider ?? emulatedProviders) as ProviderId[];
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);

/** Offset paging fetches every page in parallel; cursor paging must wait for each cursor. */
const parallelPaging: ReadonlySet<ProviderId> = new Set(['trivore']);
const SEQUENTIAL: readonly RouteKind[] = ['token', 'users-list', 'groups-list'];

function floorOf(figures: ExportBenchFigures): { seconds: number; formula: string; target: number } {
  const count = (kinds: readonly RouteKind[]) =>
    kinds.reduce((sum, kind) => sum + (figures.requests[kind] ?? 0), 0);
  const total = Object.values(figures.requests).reduce((sum, n) => sum + (n ?? 0), 0);
  if (parallelPaging.has(figures.provider)) {
    return {
      seconds: (total / concurrency) * (latencyMs / 1000),
      formula: `${total} requests ÷ ${concurrency} × ${latencyMs} ms`,
      target: 1.3,
    };
  }
  const chained = count(SEQUENTIAL);
  const fanOut = total - chained;
  return {
    seconds: (chained + fanOut / concurrency) * (latencyMs / 1000),
    formula: `${chained} chained × ${latencyMs} ms + ${fanOut} fan-out ÷ ${concurrency} × ${latencyMs} ms`,
    target: 1.15,
  };
}

const rows: string[][] = [];
const formulas: string[] = [];
const slicedRows: string[][] = [];

/** One export of the provider's site in a fresh process; the spill's peak size watched from here. */
async function benchOnce(
  provider: ProviderId,
  slicing: number | undefined,
): Promise<{ figures: ExportBenchFigures; peakSpillBytes: number }> {
  const spillDirectory = await mkdtemp(join(tmpdir(), 'rollcall-bench-spill-'));
  const options: ExportBenchOptions = {
    provider,
    users: Number(values.users),
    groups: Number(values.groups),
    latencyMs,
    concurrency,
    spillDirectory,
    sortMemoryMb: Number(values['sort-memory']),
    ...(slicing === undefined ? {} : { sliceSeconds: slicing }),
  };
  const child = fork(join(import.meta.dirname, 'export-one.ts'), [JSON.stringify(options)], {
    // The export function's own heap limits, so the figures are the Lambda's.
    execArgv: ['--import', 'tsx', ...EXPORT_HEAP_FLAGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const spill = watchSize(spillDirectory);
  const figures = await new Promise<ExportBenchFigures>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ExportBenchFigures));
    child.once('exit', (code) => reject(new Error(`the ${provider} benchmark exited with code ${code}`)));
  });
  child.disconnect();
  const peakSpillBytes = await spill.stop();
  await rm(spillDirectory, { recursive: true, force: true });
  return { figures, peakSpillBytes };
}

for (const provider of providers) {
  const { figures, peakSpillBytes } = await benchOnce(provider, undefined);
  if (sliceSeconds !== undefined) {
    const sliced = await benchOnce(provider, sliceSeconds);
    const cost = (sliced.figures.wallSeconds / figures.wallSeconds - 1) * 100;
    slicedRows.push([
      provider,
      `${figures.wallSeconds.toFixed(2)} s`,
      `${sliced.figures.wallSeconds.toFixed(2)} s`,
      String(sliced.figures.slices),
      `${cost >= 0 ? '+' : ''}${cost.toFixed(1)} %`,
      `${sliced.figures.replaySeconds.toFixed(2)} s`,
      `${(sliced.peakSpillBytes / 1024 / 1024).toFixed(0)} MB`,
    ]);
  }
  const floor = floorOf(figures);
  const ratio = figures.wallSeconds / floor.seconds;
  const requests = Object.values(figures.requests).reduce((sum, n) => sum + (n ?? 0), 0);
  rows.push([
    provider,
    figures.status,
    figures.users.toLocaleString('en-US'),
    requests.toLocaleString('en-US'),
    `${figures.wallSeconds.toFixed(2)} s`,
    `${figures.cpuSeconds.toFixed(2)} s`,
    `${((figures.cpuSeconds / figures.users) * 100_000).toFixed(2)} s`,
    `${floor.seconds.toFixed(2)} s`,
    `${ratio.toFixed(3)} (≤ ${floor.target})`,
    `${figures.peakRssMb.toFixed(0)} MB`,
    `${(peakSpillBytes / 1024 / 1024).toFixed(0)} MB`,
  ]);
  formulas.push(`  ${provider}: floor = ${floor.formula}`);
}

const header = [
  'provider',
  'status',
  'users',
  'requests',
  'wall',
  'CPU',
  'CPU/100k',
  'floor',
  'wall ÷ floor',
  'peak RSS',
  'peak spill',
];
const widths = header.map((name, column) =>
  Math.max(name.length, ...rows.map((row) => (row[column] ?? '').length)),
);
const line = (cells: readonly string[]) =>
  cells
    .map((cell, column) => cell.padEnd(widths[column] ?? 0))
    .join('  ')
    .trimEnd();
/**
 * The largest the spill directory got, polled from this process so the export's own figures are
 * not disturbed; it sizes the export function's ephemeral storage.
 */
function watchSize(directory: string): { stop(): Promise<number> } {
  let peak = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      peak = Math.max(peak, await sizeOf(directory));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    async stop() {
      polling = false;
      await poll;
      return peak;
    },
  };
}

async function sizeOf(directory: string): Promise<number> {
  let total = 0;
  try {
    for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        total += await stat(join(entry.parentPath, entry.name)).then(
          (s) => s.size,
          () => 0,
        );
    }
  } catch {
    // A folder removed between the listing and the stat: counted as what was seen.
  }
  return total;
}

process.stdout.write(
  `rollcall bench:export · ${new Date().toISOString().slice(0, 10)} · node ${process.version} · ${latencyMs} ms latency · concurrency ${concurrency} · sort memory ${values['sort-memory']} MB · ${EXPORT_HEAP_FLAGS.join(' ')}\n\n`,
);
process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n\n${formulas.join('\n')}\n`);
if (sliceSeconds !== undefined) {
  const slicedHeader = [
    'provider',
    'in one go',
    `in ${sliceSeconds} s slices`,
    'slices',
    'cost',
    'replaying',
    'peak spill',
  ];
  const slicedWidths = slicedHeader.map((name, column) =>
    Math.max(name.length, ...slicedRows.map((row) => (row[column] ?? '').length)),
  );
  const slicedLine = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(slicedWidths[column] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(
    `\nsliced (target: at most +3 % wall time with 60 s slices)\n${[slicedLine(slicedHeader), ...slicedRows.map(slicedLine)].join('\n')}\n`,
  );
}
