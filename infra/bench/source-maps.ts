/**
 * `npm run bench:source-maps`: what `--enable-source-maps` costs a cold start. Bundles each
 * function as the stack does (esbuild, ESM, minified, with a source map), then loads it in fresh
 * Node.js processes with and without the flag and prints the median time to import the handler
 * module and to read the first error stack thrown from inside the bundle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../constructs/rollcall-function.ts';

const RUNS = 15;
const entries = ['functions/export/handler.ts', 'functions/audit/handler.ts'];

// The handler, given no environment, throws RollcallConfigError from inside the bundle: reading
// that error's stack is when a source map is consulted.
const probe = `
const started = performance.now();
const module = await import(process.argv[1]);
const loaded = performance.now();
const context = { functionName: 'probe', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:probe',
  memoryLimitInMB: '1024', awsRequestId: 'probe', getRemainingTimeInMillis: () => 1000 };
const thrown = await module.handler({}, context).catch((error) => error);
const failed = performance.now();
thrown.stack;
const stacked = performance.now();
console.log(JSON.stringify({ load: loaded - started, firstStack: stacked - failed }));
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function measure(file: string, flags: string[]): { load: number; firstStack: number } {
  const loads: number[] = [];
  const stacks: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const result = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', probe, file], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    const { load, firstStack } = JSON.parse(line) as { load: number; firstStack: number };
    loads.push(load);
    stacks.push(firstStack);
  }
  return { load: median(loads), firstStack: median(stacks) };
}

const scratch = await mkdtemp(join(tmpdir(), 'rollcall-source-maps-'));
try {
  for (const entry of entries) {
    const outfile = join(scratch, entry.replaceAll('/', '-').replace(/\.ts$/, '.mjs'));
    await build({
      entryPoints: [join(projectRoot, entry)],
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      mainFields: ['module', 'main'],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      outfile,
      logLevel: 'silent',
    });
    const without = measure(outfile, []);
    const withMaps = measure(outfile, ['--enable-source-maps']);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    process.stdout.write(
      `${entry} on Node.js ${process.version}, median of ${RUNS} cold loads:\n` +
        `  without source maps: import ${ms(without.load)}, first error stack ${ms(without.firstStack)}\n` +
        `  --enable-source-maps: import ${ms(withMaps.load)}, first error stack ${ms(withMaps.firstStack)}\n`,
    );
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
