import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { configJsonSchema } from '../../functions/config/json-schema.ts';
import { loadConfigFile, parseConfig } from '../../functions/config/load-config.ts';
import { ConfigError } from '../../functions/shared/errors.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const site = { id: 'acme', provider: 'periscope-v1', credentials: { env: 'ROLLCALL_ACME' } };
const configText = (overrides: Record<string, unknown> = {}, siteOverrides: Record<string, unknown> = {}) =>
  JSON.stringify({ store: 'file://./backups', sites: [{ ...site, ...siteOverrides }], ...overrides });

function errorOf(text: string): string {
  try {
    parseConfig(text, 'rollcall.config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('fills the documented defaults', () => {
    const config = parseConfig(configText(), 'rollcall.config.json');
    expect(config.sites[0]).toMatchObject({
      schedule: 'cron(0 2 * * ? *)',
      timezone: 'UTC',
      audit: {
        inactiveDays: 45,
        neverLoggedInGraceDays: 14,
        passwordMaxAgeDays: 90,
        privilegedGroups: [],
        massChangeThreshold: { percent: 5, minimum: 5 },
        exceptions: [],
      },
    });
  });

  it('accepts the example of the design document', () => {
    const config = parseConfig(
      configText(
        {},
        {
          baseUrl: 'https://app.periscopedata.com',
          credentials: { secretId: 'rollcall/acme' },
          audit: {
            inactiveDays: 45,
            exceptions: [
              {
                user: 'svc-reporting@acme.com',
                rule: 'mfa-missing',
                reason: 'API-only account',
                owner: 'it@acme.com',
                expires: '2027-03-31',
              },
            ],
          },
        },
      ),
      'rollcall.config.json',
    );
    expect(config.sites[0]?.audit.exceptions[0]?.rule).toBe('mfa-missing');
  });

  it('names the file, the key and the problem', () => {
    expect(errorOf(configText({}, { colour: 'blue' }))).toBe(
      'rollcall.config.json: sites[0] (acme): unknown key "colour"',
    );
    expect(errorOf(configText({}, { id: 'Acme Corp' }))).toBe(
      'rollcall.config.json: sites[0] (Acme Corp).id: must be 1–63 lower-case letters, digits or dashes',
    );
    expect(errorOf(configText({}, { provider: 'okta' }))).toBe(
      'rollcall.config.json: sites[0] (acme).provider: must be one of "periscope-v1", "periscope-v2", "lumapps", "trivore"',
    );
    expect(errorOf(configText({}, { credentials: undefined }))).toBe(
      'rollcall.config.json: sites[0] (acme).credentials: is required',
    );
    expect(errorOf(configText({}, { credentials: { vault: 'x' } }))).toMatch(
      /credentials: must be exactly one of/,
    );
    expect(errorOf(configText({ store: 'ftp://x' }))).toMatch(
      /^rollcall.config.json: store: must be file:\/\//,
    );
    expect(errorOf('{"store": "file://x", "sites": [')).toMatch(/^rollcall.config.json: not valid JSON/);
  });

  it('rejects two sites with the same id and malformed exceptions', () => {
    const twice = JSON.stringify({ store: 'file://./b', sites: [site, site] });
    expect(errorOf(twice)).toBe('rollcall.config.json: sites[1] (acme).id: "acme" is used by two sites');
    const exception = { user: 'a@b.c', rule: 'sleepy', reason: 'r', owner: 'o', expires: '2027-02-30' };
    const message = errorOf(configText({}, { audit: { exceptions: [exception] } }));
    expect(message).toContain('audit.exceptions[0].rule: must be one of "mfa-missing"');
    expect(message).toContain('audit.exceptions[0].expires: is not a calendar date');
  });

  it('fills the deployment defaults the stack builds on', () => {
    expect(parseConfig(configText(), 'rollcall.config.json').deployment).toEqual({
      logRetentionDays: 90,
      archive: { coldAfterDays: 30, expireAfterDays: 400 },
      auditors: { includeSnapshots: false, trustedPrincipals: [] },
    });
  });

  it('names each deployment setting the stack could not build', () => {
    const message = errorOf(
      configText(
        {
          deployment: {
            alarmEmail: 'platform team',
            logRetentionDays: 42,
            archive: { coldAfterDays: 500, objectLock: { mode: 'legal', days: 9999 } },
            auditors: { trustedPrincipals: ['auditor'] },
          },
        },
        { timezone: 'Mars/Olympus_Mons' },
      ),
    );
    expect(message.split('\n')).toEqual([
      'rollcall.config.json: sites[0] (acme).timezone: must be an IANA time zone such as UTC or Europe/Helsinki',
      expect.stringMatching(/^rollcall\.config\.json: deployment\.alarmEmail: /),
      expect.stringMatching(
        /^rollcall\.config\.json: deployment\.logRetentionDays: must be one of 1, 3, 5, .*, 3653$/,
      ),
      expect.stringMatching(/^rollcall\.config\.json: deployment\.archive\.objectLock\.mode: /),
      expect.stringMatching(
        /^rollcall\.config\.json: deployment\.auditors\.trustedPrincipals\[0\]: must be an IAM ARN/,
      ),
    ]);
    expect(
      errorOf(
        configText({
          deployment: { archive: { coldAfterDays: 500, objectLock: { mode: 'governance', days: 9999 } } },
        }),
      ).split('\n'),
    ).toEqual([
      'rollcall.config.json: deployment.archive.coldAfterDays: must be less than expireAfterDays (400)',
      'rollcall.config.json: deployment.archive.objectLock.days: must not exceed expireAfterDays (400): locked objects cannot expire',
    ]);
  });

  it('says when the file is missing', async () => {
    const temporary = await makeTempDir('config');
    const directory = temporary.path;
    onTestFinished(() => temporary.remove());
    await expect(loadConfigFile('nope.json', directory)).rejects.toThrow(
      'nope.json: file not found. Pass the config file with --config.',
    );
    await writeFile(join(directory, 'ok.json'), configText());
    const loaded = await loadConfigFile('ok.json', directory);
    expect(loaded.directory).toBe(directory);
    expect(loaded.config.sites).toHaveLength(1);
  });

  it('reads a file saved with a byte order mark (as Windows editors do)', async () => {
    const temporary = await makeTempDir('config');
    onTestFinished(() => temporary.remove());
    await writeFile(
      join(temporary.path, 'bom.json'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(configText())]),
    );
    const loaded = await loadConfigFile('bom.json', temporary.path);
    expect(loaded.config.sites).toHaveLength(1);
  });
});

describe('config files shipped in the repository', () => {
  const root = join(import.meta.dirname, '../..');

  it('the example config is valid', async () => {
    const loaded = await loadConfigFile('rollcall.config.example.json', root);
    expect(loaded.config.sites.map((entry) => entry.id)).toEqual(['acme']);
  });

  it('the example config shows every setting (credentials in the one form the stack can read)', async () => {
    const example = JSON.parse(await readFile(join(root, 'rollcall.config.example.json'), 'utf8'));
    // env and file credentials are the CLI's alternatives to secretId; a deployed site needs a secret.
    const alternatives = ['sites[].credentials.env', 'sites[].credentials.file'];
    const missing = [...settingPaths(configJsonSchema())].filter(
      (path) => !valuePaths(example).has(path) && !alternatives.includes(path),
    );
    expect(missing).toEqual([]);
  });

  it('the JSON Schema is up to date with the config schema (npm run schema regenerates it)', async () => {
    const committed = JSON.parse(await readFile(join(root, 'schema/rollcall.config.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});

/** Every key path a JSON Schema describes, `sites[].http.concurrency` style. */
function settingPaths(schema: Record<string, unknown>): Set<string> {
  const paths = new Set<string>();
  const definitions = (schema.$defs ?? schema.definitions ?? {}) as Record<string, Record<string, unknown>>;
  const visit = (node: Record<string, unknown> | undefined, prefix: string, depth: number): void => {
    if (node === undefined || depth > 20) return;
    if (typeof node.$ref === 'string') {
      visit(definitions[node.$ref.split('/').pop() ?? ''], prefix, depth + 1);
      return;
    }
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      for (const branch of (node[key] ?? []) as Record<string, unknown>[]) visit(branch, prefix, depth + 1);
    if (node.items) visit(node.items as Record<string, unknown>, `${prefix}[]`, depth + 1);
    for (const [key, inner] of Object.entries(
      (node.properties ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      paths.add(path);
      visit(inner, path, depth + 1);
    }
  };
  visit(schema, '', 0);
  return paths;
}

/** Every key path a JSON document has, in the same style. */
function valuePaths(value: unknown, prefix = '', paths = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) valuePaths(item, `${prefix}[]`, paths);
  else if (value !== null && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      paths.add(path);
      valuePaths(inner, path, paths);
    }
  return paths;
}
