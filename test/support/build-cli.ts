import { buildCli } from '../../dev/tools/build-cli.mjs';

/**
 * vitest's global set-up: bundles the CLI once before the tests, so the tests that start the
 * installed `rollcall` as a process run today's code, not the bundle `npm ci` built.
 */
export default async function setup(): Promise<void> {
  await buildCli();
}
