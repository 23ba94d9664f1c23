import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DecryptionFailure,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Writes `text` as rollcall.config.json in a fresh folder and runs `rollcall validate` there. */
async function validate(text: string, clients = {}) {
  const temp = await makeTempDir('cli-config-mistakes');
  cleanups.push(() => temp.remove());
  await writeFile(join(temp.path, 'rollcall.config.json'), text);
  return runRollcall(['validate'], { cwd: temp.path, clients });
}

const site = { id: 'acme', provider: 'periscope-v1', credentials: { env: 'ACME' } };

describe('config mistakes are answered like a colleague would', () => {
  it('suggests the key an unknown key was probably meant to be, at any depth', async () => {
    const config = {
      stroe: 'file://./backups',
      store: 'file://./backups',
      sites: [{ ...site, baseURL: 'https://x.example', audit: { inactivDays: 30 }, colour: 'red' }],
    };
    const run = await validate(JSON.stringify(config));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'rollcall: rollcall.config.json: sites[0] (acme).audit: unknown key "inactivDays"; did you mean "inactiveDays"?',
        'rollcall.config.json: sites[0] (acme): unknown keys "baseURL", "colour"; did you mean "baseUrl"?',
        'rollcall.config.json: (top level): unknown key "stroe"; did you mean "store"?',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['a missing comma', '{\n  "store": "file://./backups"\n  "sites": []\n}\n', 'at line 3, column 3'],
    ['a trailing comma', '{\n  "store": "file://./backups",\n  "sites": [],\n}\n', 'at line 4, column 1'],
    ['a file that stops early', '{\n  "store": "file://./backups",\n', 'at line 3, column 1'],
  ])('names the line and column of %s', async (_name, text, where) => {
    const run = await validate(text);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^rollcall: rollcall\\.config\\.json: not valid JSON: .+ ${where}\\.\\n$`),
    );
  });
});

describe('a Secrets Manager error names its cause', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  beforeEach(() => secretsManager.reset());
  const config = JSON.stringify({
    store: 'file://./backups',
    sites: [{ ...site, credentials: { secretId: 'rollcall/acme' } }],
  });
  const clients = () => ({ secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }) });
  const serviceError = (name: string, message: string) =>
    new SecretsManagerServiceException({ name, $fault: 'client', message, $metadata: {} });

  it('not found: a config mistake (exit 2)', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        message: 'Secrets Manager can’t find the specified secret.',
        $metadata: {},
      }),
    );
    const run = await validate(config, clients());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'rollcall: rollcall.config.json: site acme: credentials.secretId: no secret named rollcall/acme in Secrets Manager.\n',
    );
  });

  it.each([
    [
      'access denied',
      serviceError('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized'),
      'access denied: the AWS identity running rollcall may not read it (it needs secretsmanager:GetSecretValue on the secret, and kms:Decrypt on its key when the key is your own).',
    ],
    [
      'decryption failed',
      new DecryptionFailure({ message: 'KMS could not decrypt', $metadata: {} }),
      "decryption failed: Secrets Manager could not decrypt it with the secret's KMS key; the identity needs kms:Decrypt on that key, and the key must be enabled.",
    ],
    [
      'an expired session',
      serviceError('ExpiredTokenException', 'The security token included in the request is expired'),
      'the AWS session has expired: sign in again (aws sso login, or new temporary keys in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN).',
    ],
  ])('%s: the site fails (exit 1) with the cause and what to do', async (_name, error, cause) => {
    secretsManager.on(GetSecretValueCommand).rejects(error);
    const run = await validate(config, clients());
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `acme: FAILED — site acme: could not read secret rollcall/acme from Secrets Manager: ${cause}\n`,
    );
  });
});
