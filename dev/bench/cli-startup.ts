/**
 * `npm run bench:cli`: how long the installed `rollcall` takes as a whole process, the way a
 * person or a script starts it: `rollcall --help`, and `rollcall runs` on a store of 30 nightly
 * runs (each exported and audited, made first in a temporary folder). Prints the median of
 * several runs after one warm-up (which fills Node.js's compile cache). Figures, not assertions:
 * the README quotes them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCli } from '../../cli/run-cli.ts';
import { startPeriscopeV1Emulator } from '../emulators/periscope-v1/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    repeat: { type: 'string', default: '9' },
  },
});
const nights = Number(values.runs);
const repeat = Number(values.repeat);
const TARGET_SECONDS = 0.3;
const bin = fileURLToPath(new URL('../../bin/rollcall.js', import.meta.url));
const quiet = { write: () => true, isTTY: false };

const directory = await mkdtemp(join(tmpdir(), 'rollcall-bench-cli-'));
const site = await startPeriscopeV1Emulator({ users: 200, groups: 8, seed: 1 });
try {
  await writeFile(
    join(directory, 'rollcall.config.json'),
    JSON.stringify({
      store: 'file://./backups',
      sites: [{ id: 'bench', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'BENCH' } }],
    }),
  );
  const env = { BENCH: JSON.stringify({ site: site.site, apiKey: site.apiKey }) };
  process.stdout.write(`writing ${nights} nightly runs (export and audit, 200 users)…\n`);
  for (let night = 0; night < nights; night++) {
    const asOf = new Date(Date.UTC(2026, 10, 1 + night, 2)).toISOString();
    const code = await runCli(['run', '--as-of', asOf], {
      stdout: quiet,
      stderr: quiet,
      env,
      cwd: directory,
    });
    if (code !== 0) throw new Error(`rollcall run --as-of ${asOf} exited ${code}`);
  }

  const measure = async (label: string, args: readonly string[]) => {
    const seconds: number[] = [];
    for (let attempt = 0; attempt <= repeat; attempt++) {
      const started = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) =>
        execFile(
          process.execPath,
          [bin, ...args],
          { cwd: directory, env: { ...process.env, ...env } },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
      // The first start fills the compile cache; the median is of the starts after it.
      if (attempt > 0) seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    seconds.sort((a, b) => a - b);
    const median = seconds[Math.floor(seconds.length / 2)] ?? Number.NaN;
    process.stdout.write(
      `${label.padEnd(34)} median ${median.toFixed(2)} s of ${seconds.length} (min ${seconds[0]?.toFixed(2)}, max ${seconds.at(-1)?.toFixed(2)}); target ${TARGET_SECONDS} s\n`,
    );
  };
  process.stdout.write(`Node.js ${process.version}, whole processes of bin/rollcall.js:\n`);
  await measure('rollcall --help', ['--help']);
  await measure(`rollcall runs (${nights} runs)`, ['runs', '--site', 'bench']);
} finally {
  await site.close();
  await rm(directory, { recursive: true, force: true });
}
