#!/usr/bin/env node
// The installed `rollcall` command: the CLI bundled into dist/ by `npm run build`, which `npm ci`
// runs through `prepare`. Plain JavaScript, so it starts without a TypeScript loader.
import module from 'node:module';

// Node.js keeps the compiled bundle on disk, so every start after the first skips compiling it.
module.enableCompileCache?.();
// Stack traces (printed only with --debug) then name rollcall's source lines, not the bundle's.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

try {
  await import('../dist/rollcall.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('rollcall.mjs')) throw error;
  process.stderr.write(
    'rollcall: the command is not built yet: run "npm run build" in the rollcall folder (npm ci does it too).\n',
  );
  process.exitCode = 2;
}
