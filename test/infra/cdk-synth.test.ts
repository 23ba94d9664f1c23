import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.ts';

const root = join(import.meta.dirname, '..', '..');
let scratch: Awaited<ReturnType<typeof makeTempDir>>;

beforeAll(async () => {
  scratch = await makeTempDir('cdk');
});
afterAll(() => scratch.remove());

/** `npx cdk synth` as a platform engineer runs it, offline and without AWS credentials. */
function cdkSynth(configPath: string) {
  return spawnSync(
    'npx',
    ['cdk', 'synth', '--no-notices', '-o', join(scratch.path, 'cdk.out'), '-c', `config=${configPath}`],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: scratch.path,
      },
      timeout: 300_000,
    },
  );
}

describe('npx cdk synth', () => {
  it('prints the template for the README’s example config, with no warning wall', () => {
    const result = cdkSynth('rollcall.config.example.json');
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.stderr).not.toMatch(/feature flags? (are|is) not configured/i);
    expect(result.stderr).not.toMatch(/NodeDeprecationWarning|no longer supports Node/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('AWS::Scheduler::Schedule');
    expect(result.stdout).toContain('acme-rollcall-archive');
  }, 300_000);

  it('stops on a bad config with the message the CLI gives', async () => {
    const path = join(scratch.path, 'bad.json');
    await writeFile(
      path,
      JSON.stringify({ store: 'file://x', sites: [{ id: 'Acme', provider: 'periscope-v1' }] }),
    );
    const result = cdkSynth(path);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      `rollcall: ${path}: sites[0] (Acme).id: must be 1–63 lower-case letters, digits or dashes`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);

  it('refuses credentials from env and a loopback baseUrl: the app exits 2 with one message', async () => {
    const path = join(scratch.path, 'local.json');
    await writeFile(
      path,
      JSON.stringify({
        store: 's3://acme-rollcall-archive',
        sites: [
          { id: 'acme', provider: 'periscope-v1', credentials: { env: 'ACME_CREDENTIALS' } },
          {
            id: 'intranet',
            provider: 'lumapps',
            baseUrl: 'http://127.0.0.1:8080',
            credentials: { secretId: 'rollcall/intranet' },
          },
        ],
      }),
    );
    const result = cdkSynth(path);
    // The app exits 2, as the CLI does for a config error; the cdk CLI reports that and exits 1.
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      `rollcall: ${path}: sites[0] (acme).credentials: {"env": …} cannot be deployed: a Lambda function has no environment variable of yours; store the JSON in AWS Secrets Manager and use {"secretId": "<name or ARN>"}`,
      `${path}: sites[1] (intranet).baseUrl: "http://127.0.0.1:8080" is a loopback address: from Lambda it is the function itself, not your machine`,
      'npx tsx infra/app.ts: Subprocess exited with error 2',
    ]);
  }, 300_000);
});
