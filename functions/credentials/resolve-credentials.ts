import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import type { CredentialsSource } from '../config/schema.ts';
import { awsSetupProblem, causeChain } from '../shared/aws-problem.ts';
import { ConfigError, SiteError } from '../shared/errors.ts';
import type { SecretReader } from './secrets-manager.ts';

export interface CredentialSources {
  /** The environment credentials may be read from (the shell passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Credential files resolve against the config file's directory. */
  readonly configDirectory: string;
  /** Present when some site reads a secret from Secrets Manager. */
  readonly secrets?: SecretReader;
}

/**
 * Reads one site's credentials from its source and validates them against the provider's
 * schema. Messages name the site, the source and the problem — never the value, not even
 * a fragment of it (JSON.parse errors quote their input, so they are not passed on).
 */
export async function resolveCredentials<T>(
  siteId: string,
  source: CredentialsSource,
  schema: z.ZodType<T>,
  sources: CredentialSources,
): Promise<T> {
  const { text, origin } = await readSource(siteId, source, sources);
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch {
    throw new ConfigError(`site ${siteId}: credentials from ${origin} are not valid JSON.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // The schema's field names and its own messages only: zod's messages never quote the input.
    // An unknown field is named by position, never by name: a secret pasted as a key is a name.
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.map(String).join('.');
      if (issue.code === 'invalid_type')
        return `"${field || '(the value)'}" is missing or not a ${issue.expected}`;
      if (issue.code === 'unrecognized_keys') {
        const positions = unknownFieldPositions(json, issue.path, issue.keys);
        const where = field === '' ? '' : ` of "${field}"`;
        return positions.length > 1
          ? `unknown fields, the ${positions.join(', ')}${where} (their names are not shown: they could be secrets pasted in the wrong place)`
          : `an unknown field, the ${positions.join('')}${where} (its name is not shown: it could be a secret pasted in the wrong place)`;
      }
      return field === '' ? issue.message : `"${field}": ${issue.message}`;
    });
    throw new ConfigError(`site ${siteId}: credentials from ${origin}: ${problems.join('; ')}.`);
  }
  return parsed.data;
}

/** Where the unknown keys sit in their object, as ordinals: `2nd`, `3rd`. */
function unknownFieldPositions(
  json: unknown,
  path: readonly PropertyKey[],
  keys: readonly string[],
): string[] {
  let node = json;
  for (const part of path) node = (node as Record<PropertyKey, unknown> | undefined)?.[part];
  const order = node !== null && typeof node === 'object' ? Object.keys(node) : [];
  return keys.map((key) => ordinal(order.indexOf(key) + 1));
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

async function readSource(
  siteId: string,
  source: CredentialsSource,
  sources: CredentialSources,
): Promise<{ text: string; origin: string }> {
  if ('env' in source) {
    const text = sources.env[source.env];
    if (text === undefined || text === '') {
      throw new ConfigError(
        `site ${siteId}: credentials.env: environment variable ${source.env} is not set.`,
      );
    }
    return { text, origin: `environment variable ${source.env}` };
  }
  if ('file' in source) {
    const path = resolve(sources.configDirectory, source.file);
    try {
      return { text: await readFile(path, 'utf8'), origin: `file ${source.file}` };
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'cannot be read';
      throw new ConfigError(
        `site ${siteId}: credentials.file: ${source.file} ${reason} (looked at ${path}).`,
      );
    }
  }
  if (!sources.secrets) throw new ConfigError(`site ${siteId}: credentials.secretId needs AWS access.`);
  let text: string | undefined;
  try {
    text = await sources.secrets.read(source.secretId);
  } catch (error) {
    throw new SiteError(
      'credentials',
      `site ${siteId}: could not read secret ${source.secretId} from Secrets Manager: ${secretProblem(error)}.`,
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new ConfigError(
      `site ${siteId}: credentials.secretId: no secret named ${source.secretId} in Secrets Manager.`,
    );
  }
  return { text, origin: `secret ${source.secretId}` };
}

/** Why Secrets Manager gave no value, in words that say what to fix; never the secret's value. */
function secretProblem(error: unknown): string {
  const setup = awsSetupProblem(error);
  if (setup !== undefined) return setup;
  const chain = causeChain(error);
  const known = chain.find((link) => link.name in SECRET_PROBLEMS);
  if (known !== undefined) return SECRET_PROBLEMS[known.name] as string;
  const name = chain.at(-1)?.name ?? 'unknown error';
  return `${name}; check the AWS credentials, region and the secret's permissions`;
}

const SECRET_PROBLEMS: Readonly<Record<string, string>> = {
  AccessDeniedException:
    'access denied: the AWS identity running rollcall may not read it (it needs secretsmanager:GetSecretValue on the secret, and kms:Decrypt on its key when the key is your own)',
  DecryptionFailure:
    "decryption failed: Secrets Manager could not decrypt it with the secret's KMS key; the identity needs kms:Decrypt on that key, and the key must be enabled",
  InvalidRequestException:
    'the secret cannot be read now: it is scheduled for deletion or has no current value; restore it or point credentials.secretId at another secret',
};
