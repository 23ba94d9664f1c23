import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import * as z from 'zod';
import { resolveCredentials } from '../../functions/credentials/resolve-credentials.ts';
import { createSecretsManagerReader } from '../../functions/credentials/secrets-manager.ts';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import { ConfigError, SiteError } from '../../functions/shared/errors.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const schema = z.object({ site: z.string().min(1), apiKey: z.string().min(1) });
const apiKey = 'e179017a-62b0-4996-8a38-e91aa9f1';
const secretJson = JSON.stringify({ site: 'acme_site', apiKey });

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('credentials', () => {
  let directory: string;
  let temporary: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temporary = await makeTempDir('credentials');
    directory = temporary.path;
  });
  afterEach(() => temporary.remove());
  const sources = (
    env: Record<string, string> = {},
    secrets?: ReturnType<typeof createSecretsManagerReader>,
  ) => ({
    env,
    configDirectory: directory,
    ...(secrets ? { secrets } : {}),
  });

  it('reads an environment variable', async () => {
    const credentials = await resolveCredentials(
      'acme',
      { env: 'ACME' },
      schema,
      sources({ ACME: secretJson }),
    );
    expect(credentials).toEqual({ site: 'acme_site', apiKey });
  });

  it('reads a file relative to the config file', async () => {
    await writeFile(join(directory, 'acme.json'), secretJson);
    const credentials = await resolveCredentials('acme', { file: './acme.json' }, schema, sources());
    expect(credentials.apiKey).toBe(apiKey);
  });

  it('names the site and the missing variable or file', async () => {
    const missingVariable = await failure(resolveCredentials('acme', { env: 'ACME' }, schema, sources()));
    expect(missingVariable).toBeInstanceOf(ConfigError);
    expect(missingVariable.message).toBe('site acme: credentials.env: environment variable ACME is not set.');
    const missingFile = await failure(resolveCredentials('acme', { file: 'nope.json' }, schema, sources()));
    expect(missingFile).toBeInstanceOf(ConfigError);
    expect(missingFile.message).toContain('site acme: credentials.file: nope.json not found');
  });

  it('reports malformed JSON and missing fields without quoting the secret', async () => {
    const broken = `{"site": "acme_site", "apiKey": "${apiKey}"`;
    const malformed = await failure(
      resolveCredentials('acme', { env: 'ACME' }, schema, sources({ ACME: broken })),
    );
    expect(malformed.message).toBe(
      'site acme: credentials from environment variable ACME are not valid JSON.',
    );
    const noKey = JSON.stringify({ site: 'acme_site', api_key: apiKey });
    const missing = await failure(
      resolveCredentials('acme', { env: 'ACME' }, schema, sources({ ACME: noKey })),
    );
    expect(missing.message).toBe(
      'site acme: credentials from environment variable ACME: "apiKey" is missing or not a string.',
    );
    for (const error of [malformed, missing]) {
      expect(`${error.message} ${String(error.cause ?? '')}`).not.toContain(apiKey);
    }
  });

  it('says what is wrong with Periscope credentials, in the adapter’s words', async () => {
    const sent = JSON.stringify({ site: 'acme site', api_key: apiKey });
    const error = await failure(
      resolveCredentials('acme', { env: 'ACME' }, periscopeV1.credentialsSchema, sources({ ACME: sent })),
    );
    expect(error.message).toBe(
      'site acme: credentials from environment variable ACME: "site": the site name (as in dashboard URLs .../app/<site>) has no spaces or colons; "apiKey" is missing or not a string; an unknown field, the 2nd (its name is not shown: it could be a secret pasted in the wrong place).',
    );
    expect(error.message).not.toContain(apiKey);
  });

  it('never prints a field name, which could be a secret pasted as a key', async () => {
    const sent = JSON.stringify({ site: 'acme_site', apiKey, [apiKey]: true });
    const error = await failure(
      resolveCredentials('acme', { env: 'ACME' }, periscopeV1.credentialsSchema, sources({ ACME: sent })),
    );
    expect(error.message).toBe(
      'site acme: credentials from environment variable ACME: an unknown field, the 3rd (its name is not shown: it could be a secret pasted in the wrong place).',
    );
    expect(error.message).not.toContain(apiKey);
  });

  it('reads a credentials file saved with a byte order mark', async () => {
    const temporary = await makeTempDir('credentials');
    onTestFinished(() => temporary.remove());
    await writeFile(join(temporary.path, 'acme.json'), `\uFEFF${secretJson}`);
    const credentials = await resolveCredentials('acme', { file: 'acme.json' }, schema, {
      env: {},
      configDirectory: temporary.path,
    });
    expect(credentials).toEqual({ site: 'acme_site', apiKey });
  });

  describe('from Secrets Manager', () => {
    const secretsManager = mockClient(SecretsManagerClient);
    beforeEach(() => secretsManager.reset());
    const reader = () => createSecretsManagerReader(new SecretsManagerClient({ region: 'eu-west-1' }));

    it('reads the secret string', async () => {
      secretsManager
        .on(GetSecretValueCommand, { SecretId: 'rollcall/acme' })
        .resolves({ SecretString: secretJson });
      const credentials = await resolveCredentials(
        'acme',
        { secretId: 'rollcall/acme' },
        schema,
        sources({}, reader()),
      );
      expect(credentials).toEqual({ site: 'acme_site', apiKey });
    });

    it('says which secret does not exist (exit 2)', async () => {
      secretsManager.on(GetSecretValueCommand).rejects(
        new ResourceNotFoundException({
          message: 'Secrets Manager can’t find the specified secret.',
          $metadata: {},
        }),
      );
      const error = await failure(
        resolveCredentials('acme', { secretId: 'rollcall/acme' }, schema, sources({}, reader())),
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(
        'site acme: credentials.secretId: no secret named rollcall/acme in Secrets Manager.',
      );
    });

    it('fails only the site when Secrets Manager refuses', async () => {
      const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
      secretsManager.on(GetSecretValueCommand).rejects(denied);
      const error = await failure(
        resolveCredentials('acme', { secretId: 'rollcall/acme' }, schema, sources({}, reader())),
      );
      expect(error).toBeInstanceOf(SiteError);
      expect((error as SiteError).kind).toBe('credentials');
      expect(error.message).toContain(
        'site acme: could not read secret rollcall/acme from Secrets Manager: access denied: the AWS identity running rollcall may not read it',
      );
    });
  });
});
