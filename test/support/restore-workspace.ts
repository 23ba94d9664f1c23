import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliRun, runRollcall } from './cli.ts';
import { makeTempDir } from './temp-dir.ts';

/** The night every restore test exports first: the snapshot it restores from. */
export const NIGHT = '2026-11-21T02:00:00Z';
export const NIGHT_RUN = '20261121T020000Z';

export interface RestoreWorkspace {
  /** The workspace folder: the config, and the `backups` file store under it. */
  readonly dir: string;
  /** Runs the rollcall CLI in the workspace, with the site's credentials in its environment. */
  run(argv: readonly string[]): Promise<CliRun>;
}

/**
 * A config with one site whose credentials come from an environment variable, a file store in a
 * temporary folder, and one export of the site at NIGHT. `cleanups` gets what to remove.
 */
export async function exportedWorkspace(
  site: {
    readonly id: string;
    readonly provider: string;
    readonly baseUrl: string;
    readonly credentials: unknown;
  },
  cleanups: (() => Promise<void>)[],
  settings: Record<string, unknown> = {},
): Promise<RestoreWorkspace> {
  const temp = await makeTempDir(`restore-${site.provider}`);
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: [
      {
        id: site.id,
        provider: site.provider,
        baseUrl: site.baseUrl,
        credentials: { env: 'SITE_CREDENTIALS' },
        ...settings,
      },
    ],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  const workspace: RestoreWorkspace = {
    dir: temp.path,
    run: (argv) =>
      runRollcall(argv, { cwd: temp.path, env: { SITE_CREDENTIALS: JSON.stringify(site.credentials) } }),
  };
  expect((await workspace.run(['export', '--as-of', NIGHT])).code).toBe(0);
  return workspace;
}
