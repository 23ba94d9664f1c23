/**
 * `npm run bench:export`: every provider's export of 50,000 users behind 10 ms of latency per
 * request, each in a fresh process, against its emulator in another. Prints one table: requests,
 * wall time, the latency floor, wall ÷ floor against the target, and peak RSS. Figures, not
 * assertions: the README quotes them.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
  },
});
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
for (const provider of providers) {
  const options: ExportBenchOptions = {
    provider,
    users: Number(values.users),
    groups: Number(values.groups),
    latencyMs,
    concurrency,
  };
  const child = fork(join(import.meta.dirname, 'export-one.ts'), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const figures = await new Promise<ExportBenchFigures>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ExportBenchFigures));
    child.once('exit', (code) => reject(new Error(`the ${provider} benchmark exited with code ${code}`)));
  });
  child.disconnect();
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
    `${floor.seconds.toFixed(2)} s`,
    `${ratio.toFixed(3)} (≤ ${floor.target})`,
    `${figures.peakRssMb.toFixed(0)} MB`,
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
  'floor',
  'wall ÷ floor',
  'peak RSS',
];
const widths = header.map((name, column) =>
  Math.max(name.length, ...rows.map((row) => (row[column] ?? '').length)),
);
const line = (cells: readonly string[]) =>
  cells
    .map((cell, column) => cell.padEnd(widths[column] ?? 0))
    .join('  ')
    .trimEnd();
process.stdout.write(
  `rollcall bench:export · ${new Date().toISOString().slice(0, 10)} · node ${process.version} · ${latencyMs} ms latency · concurrency ${concurrency}\n\n`,
);
process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n\n${formulas.join('\n')}\n`);
