import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import type { CliRun } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * The installed command as a shell starts it: `node bin/rollcall.js`, which runs the bundle the
 * test set-up built, with only the environment given here (no AWS settings of this machine).
 */
const repository = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repository, 'bin', 'rollcall.js');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function run(
  file: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** A home with no ~/.aws, no instance metadata to ask: AWS knows only what `extra` sets. */
async function bareEnvironment(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const home = await makeTempDir('cli-process-home');
  cleanups.push(() => home.remove());
  return {
    PATH: process.env.PATH ?? '',
    HOME: home.path,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

async function configFolder(store = 'file://./backups'): Promise<string> {
  const temp = await makeTempDir('cli-process');
  cleanups.push(() => temp.remove());
  const config = {
    store,
    sites: [
      { id: 'acme', provider: 'periscope-v1', baseUrl: 'http://127.0.0.1:9', credentials: { env: 'ACME' } },
    ],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  return temp.path;
}

describe('the installed rollcall', () => {
  it('starts from its bundle: --help lists runs', async () => {
    const help = await run(process.execPath, [bin, '--help'], repository, await bareEnvironment());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}runs \[options\]/m);
    expect(help.stderr).toBe('');
  });

  it('ends quietly with its own exit code when the reader of its output goes away (EPIPE)', async () => {
    const site = await startPeriscopeV1Emulator({ users: 40, groups: 3 });
    cleanups.push(() => site.close());
    const dir = await configFolder();
    await writeFile(
      join(dir, 'rollcall.config.json'),
      JSON.stringify({
        store: 'file://./backups',
        sites: [{ id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ACME' } }],
      }),
    );
    const env = await bareEnvironment({ ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) });
    const node = JSON.stringify(process.execPath);
    const rollcall = `${node} ${JSON.stringify(bin)}`;
    expect(
      (await run(process.execPath, [bin, 'run', '--as-of', '2026-11-21T02:00:00Z'], dir, env)).code,
    ).toBe(0);

    // `true` exits without reading: every write of rollcall's finds the pipe closed.
    const listed = await run(
      'bash',
      ['-c', `set -o pipefail; ${rollcall} runs --site acme | true`],
      dir,
      env,
    );
    expect(listed).toEqual({ code: 0, stdout: '', stderr: '' });
    const failing = await run(
      'bash',
      ['-c', `set -o pipefail; ${rollcall} audit --fail-on low | true`],
      dir,
      env,
    );
    expect(failing.code).toBe(3);
    expect(failing.stderr).toMatch(
      /^rollcall: exit 3 because of --fail-on low: [\d,]+ FAIL findings? of any severity \(acme: [\d,]+\)\.\n$/,
    );
  });

  describe('names missing AWS set-up and what to set (exit 2)', () => {
    const list = async (env: Record<string, string>) =>
      run(
        process.execPath,
        [bin, 'runs', '--site', 'acme'],
        await configFolder('s3://rollcall-archive/nightly'),
        env,
      );

    it('no region', async () => {
      const result = await list(
        await bareEnvironment({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' }),
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'rollcall: could not list s3://rollcall-archive/nightly/snapshots/site=acme/: no AWS region is set: set AWS_REGION (e.g. export AWS_REGION=eu-west-1), or a region for your AWS_PROFILE in ~/.aws/config\n',
      );
    });

    it('no credentials', async () => {
      const result = await list(await bareEnvironment({ AWS_REGION: 'eu-west-1' }));
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'rollcall: could not list s3://rollcall-archive/nightly/snapshots/site=acme/: no AWS credentials were found: set AWS_PROFILE (after aws configure or aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n',
      );
    });

    it('an expired session, as S3 answers it', async () => {
      // S3's own answer to a request signed with an expired session token.
      const s3: Server = createServer((_request, response) => {
        response.writeHead(400, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>',
        );
      });
      await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => s3.close(() => resolve())));
      const endpoint = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
      const result = await list(
        await bareEnvironment({
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_SESSION_TOKEN: 'expired',
          AWS_ENDPOINT_URL_S3: endpoint,
          AWS_MAX_ATTEMPTS: '1',
        }),
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'rollcall: could not list s3://rollcall-archive/nightly/snapshots/site=acme/: the AWS session has expired: sign in again (aws sso login, or new temporary keys in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN)\n',
      );
    });
  });
});

describe('npm run rollcall from a folder inside the checkout', () => {
  it('resolves --config and --store against the folder the command was typed in', async () => {
    // Inside the checkout (npm finds its package.json), in a folder git ignores.
    await mkdir(join(repository, '.rollcall'), { recursive: true });
    const typedIn = await mkdtemp(join(repository, '.rollcall', 'typed-in-'));
    cleanups.push(() => rm(typedIn, { recursive: true, force: true }));
    await writeFile(
      join(typedIn, 'mine.json'),
      JSON.stringify({
        store: 's3://unused',
        sites: [{ id: 'acme', provider: 'periscope-v1', credentials: { env: 'ACME' } }],
      }),
    );
    const env = await bareEnvironment();
    const result = await run(
      'npm',
      [
        'run',
        '--silent',
        'rollcall',
        '--',
        'runs',
        '--site',
        'acme',
        '--config',
        'mine.json',
        '--store',
        'file://./here',
      ],
      typedIn,
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `rollcall runs · site acme · no runs in ${join(typedIn, 'here', 'snapshots', 'site=acme')}\nExport one with: rollcall export --site acme\n`,
    );
  });
});
