import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../shared/errors.ts';
import { describeJsonError, didYouMean, knownKeysAt } from './config-hints.ts';
import { configSchema, type RollcallConfig } from './schema.ts';

export interface LoadedConfig {
  readonly config: RollcallConfig;
  /** Absolute path of the file, for messages. */
  readonly path: string;
  /** Relative paths inside the config (store, credential files) resolve against this. */
  readonly directory: string;
}

/** Reads and validates a config file once; every failure is a ConfigError naming file, key and problem. */
export async function loadConfigFile(path: string, cwd: string): Promise<LoadedConfig> {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
    throw new ConfigError(`${path}: ${reason}. Pass the config file with --config.`, { cause: error });
  }
  // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses.
  const withoutBom = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return { config: parseConfig(withoutBom, path), path: absolute, directory: dirname(absolute) };
}

export function parseConfig(text: string, fileName: string): RollcallConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${fileName}: not valid JSON: ${describeJsonError(error, text)}.`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(describeIssues(fileName, parsed.error, json, configSchema));
  return parsed.data;
}

/** `rollcall.config.json: sites[0].provider: unknown provider "x"; expected one of …` */
/** With `schema`, an unknown key that is a typo of one the schema knows gets "did you mean". */
export function describeIssues(
  fileName: string,
  error: z.ZodError,
  input?: unknown,
  schema?: z.ZodType,
): string {
  return error.issues
    .map((issue) => {
      const present = valueAt(input, issue.path) !== undefined;
      return `${fileName}: ${describePath(issue.path, input)}: ${present ? describeIssue(issue) : 'is required'}${schema === undefined ? '' : suggestion(issue, schema)}`;
    })
    .join('\n');
}

function describePath(path: readonly PropertyKey[], input: unknown): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  let node: unknown = input;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined;
    // Name the site by its id as well as its index: "sites[2] (acme)" is easier to find.
    if (
      typeof part === 'number' &&
      node &&
      typeof node === 'object' &&
      'id' in node &&
      typeof node.id === 'string'
    ) {
      out += ` (${node.id})`;
    }
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const part of path) {
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined;
  }
  return node;
}

/** `; did you mean "baseUrl"?` after an unknown key that is a typo of a known one. */
function suggestion(issue: z.core.$ZodIssue, schema: z.ZodType): string {
  if (issue.code !== 'unrecognized_keys') return '';
  const known = knownKeysAt(schema, issue.path);
  const hints = issue.keys.flatMap((key) => {
    const meant = didYouMean(key, known);
    return meant === undefined ? [] : [`"${meant}"`];
  });
  return hints.length === 0 ? '' : `; did you mean ${hints.join(', ')}?`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_union':
      return 'must be exactly one of {"secretId": "<name or ARN>"}, {"env": "<VARIABLE>"} or {"file": "<path>"}';
    case 'invalid_type':
      return `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
    case 'invalid_format':
      return issue.format === 'url'
        ? 'must be an http(s) URL such as https://app.periscopedata.com'
        : issue.message;
    default:
      return issue.message;
  }
}
