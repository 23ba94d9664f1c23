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
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      timeout: 300_000,
    },
  );
}

describe('npx cdk synth', () => {
  it('prints the template for the README’s example config', () => {
    const result = cdkSynth('rollcall.config.example.json');
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
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
});
