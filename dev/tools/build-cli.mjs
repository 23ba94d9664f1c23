// `npm run build` (and `prepare`, so `npm ci` leaves a working `rollcall`): bundles the CLI into
// dist/rollcall.mjs with esbuild, the way the Lambda functions are bundled. Each command's work is
// a chunk of its own, loaded when that command runs, so `--help` never loads the AWS SDK or the
// chart library. Plain JavaScript so it runs on whatever Node.js npm starts it with.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Writes `<outdir>/rollcall.mjs`, its chunks and their source maps; returns the entry's path. */
export async function buildCli(outdir = `${root}dist`) {
  await rm(outdir, { recursive: true, force: true });
  const outfile = `${outdir}/rollcall.mjs`;
  await build({
    absWorkingDir: root,
    entryPoints: { rollcall: 'cli/main.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    // Read only when an error's stack is printed (--debug), so it costs nothing at start-up.
    sourcemap: true,
    logLevel: 'warning',
    // Some dependencies are CommonJS and call require(); an ES module bundle has none of its own.
    banner: {
      js: "import { createRequire as __rollcallRequire } from 'node:module'; const require = __rollcallRequire(import.meta.url);",
    },
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
