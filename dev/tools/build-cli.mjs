// `npm run build` (and `prepare`, so `npm ci` leaves a working `rollcall`): bundles the CLI into
// dist/rollcall.mjs with esbuild, the way the Lambda functions are bundled. Plain JavaScript so
// it runs on whatever Node.js npm starts it with.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Writes `<outdir>/rollcall.mjs` and its source map; returns the bundle's path. */
export async function buildCli(outdir = `${root}dist`) {
  await rm(outdir, { recursive: true, force: true });
  const outfile = `${outdir}/rollcall.mjs`;
  await build({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outfile,
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
