import { createHash, createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliClients } from '../../cli/context.ts';
import {
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { reportRunPrefix } from '../../functions/reports/layout.ts';
import { s3ClientOptions } from '../../functions/store/create-store.ts';
import type { S3Store } from '../../functions/store/s3-store.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import { startTestS3, type TestS3 } from '../support/local-s3.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const YESTERDAY = '2026-11-21T02:00:00Z';
const TODAY = '2026-11-22T02:00:00Z';
const YESTERDAY_RUN = '20261121T020000Z';
const TODAY_RUN = '20261122T020000Z';
const NEVER_RUN = '20261120T020000Z';
const PREFIX = 'share';
const REPORT_ORDER = [
  'report.html',
  'evidence.xlsx',
  'findings.csv',
  'changes.csv',
  'findings.json',
  'diff.json',
  'summary.json',
];

/**
 * The time the links are signed at: taken once, so the expected expiry follows from it exactly.
 * It is the real time, because the local S3 server refuses links whose expiry has passed.
 */
const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
const clock = { now: () => new Date(signedAt.getTime() + 400) };
const expiryAfter = (seconds: number) =>
  new Date(signedAt.getTime() + seconds * 1000).toISOString().replace('.000Z', 'Z');

let s3: TestS3;
let site: PeriscopeV1Emulator;
let dir: string;
let store: S3Store;
const cleanups: (() => Promise<void>)[] = [];

/** `acme` exported on two nights into the S3 store; only the second night audited. */
beforeAll(async () => {
  s3 = await startTestS3();
  cleanups.push(() => s3.stop());
  site = await startPeriscopeV1Emulator({ users: 150, groups: 8, referenceDate: YESTERDAY });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('cli-share');
  cleanups.push(() => temp.remove());
  dir = temp.path;
  store = s3.store(PREFIX);
  const sites = [{ id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ACME' } }];
  await writeFile(
    join(dir, 'rollcall.config.json'),
    JSON.stringify({ store: `s3://${s3.server.bucket}/${PREFIX}`, sites }),
  );
  await writeFile(join(dir, 'local.config.json'), JSON.stringify({ store: 'file://./backups', sites }));
  for (const argv of [
    ['export', '--as-of', YESTERDAY],
    ['export', '--as-of', TODAY],
    ['audit', '--run', TODAY_RUN],
  ]) {
    const run = await cli(argv);
    if (run.code !== 0) throw new Error(`rollcall ${argv.join(' ')} exited ${run.code}: ${run.stderr}`);
  }
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function cli(argv: readonly string[], clients: CliClients = {}): Promise<CliRun> {
  return runRollcall(argv, {
    cwd: dir,
    env: { ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
    clients: { s3: s3.client, clock, ...clients },
  });
}

/** The URLs of the human output, by file name. */
function linksOf(stdout: string): Map<string, string> {
  const links = new Map<string, string>();
  for (const match of stdout.matchAll(/^(\S+)\s+[\d.]+ [KMG]?B\s+(http\S+)$/gm))
    links.set(match[1] ?? '', match[2] ?? '');
  return links;
}

async function storedBytes(runId: string, name: string): Promise<Buffer> {
  const bytes = await store.get(`${reportRunPrefix('acme', runId)}${name}`);
  if (!bytes) throw new Error(`${name} of ${runId} is not in the store`);
  return bytes;
}

async function download(url: string): Promise<{ status: number; body: Buffer; disposition: string | null }> {
  const response = await fetch(url);
  return {
    status: response.status,
    body: Buffer.from(await response.arrayBuffer()),
    disposition: response.headers.get('content-disposition'),
  };
}

/**
 * Checks a presigned URL's SigV4 signature against the secret key, computed here from the URL as
 * AWS documents it, because the local S3 server checks the key id and the expiry but not the signature.
 */
function signatureIsValid(link: string, secretAccessKey: string): boolean {
  const url = new URL(link);
  const rfc3986 = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...url.searchParams]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    'GET',
    url.pathname,
    query,
    `host:${url.host}`,
    '',
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const [, date = '', region = '', service = ''] = (url.searchParams.get('X-Amz-Credential') ?? '').split(
    '/',
  );
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    url.searchParams.get('X-Amz-Date'),
    `${date}/${region}/${service}/aws4_request`,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const signingKey = [date, region, service, 'aws4_request'].reduce<Buffer | string>(
    (key, part) => hmac(key, part),
    `AWS4${secretAccessKey}`,
  );
  return hmac(signingKey, stringToSign).toString('hex') === url.searchParams.get('X-Amz-Signature');
}

/** Nothing secret printed: the S3 secret key (s3rver's equals its access key id, which every link names) and the site's API key. */
function expectNoSecrets(run: CliRun): void {
  const printed = `${run.stdout}${run.stderr}`.replaceAll(
    `X-Amz-Credential=${s3.server.credentials.accessKeyId}%2F`,
    'X-Amz-Credential=<access key id>%2F',
  );
  expect(printed).not.toContain(s3.server.credentials.secretAccessKey);
  expect(printed).not.toContain(site.apiKey);
}

describe('rollcall share: download links to a run’s reports in an S3 store', () => {
  it('prints one working link per report file, report.html first, each serving exactly the stored bytes', async () => {
    const run = await cli(['share', '--site', 'acme', '--run', TODAY_RUN]);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(
      `rollcall share · site acme · run ${TODAY_RUN} · links expire ${expiryAfter(86_400)} (24h from now)`,
    );
    const links = linksOf(run.stdout);
    expect([...links.keys()]).toEqual(REPORT_ORDER);
    for (const [name, url] of links) {
      const expected = await storedBytes(TODAY_RUN, name);
      const { status, body } = await download(url);
      expect(status, name).toBe(200);
      expect(body.equals(expected), `${name}: the link serves the stored bytes`).toBe(true);
      expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('86400');
      expect(signatureIsValid(url, s3.server.credentials.secretAccessKey), `${name}: signature`).toBe(true);
      // The check can fail: another secret key, or a link whose expiry was lengthened, does not verify.
      expect(signatureIsValid(url, 'another-secret')).toBe(false);
      expect(
        signatureIsValid(
          url.replace('X-Amz-Expires=86400', 'X-Amz-Expires=86401'),
          s3.server.credentials.secretAccessKey,
        ),
      ).toBe(false);
    }
    expect(run.stdout).toContain(`Anyone holding a link can download that file until ${expiryAfter(86_400)}`);
    expect(run.stdout).toContain('The links stop working earlier if the credentials that signed them expire');
    expectNoSecrets(run);
  });

  it('--json prints one document with the site, the latest audited run, the expiry and a link per file', async () => {
    const run = await cli(['share', '--site', 'acme', '--run', 'latest', '--expires', '7d', '--json']);

    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as {
      site: string;
      runId: string;
      expiresAt: string;
      links: { name: string; bytes: number; url: string }[];
    };
    expect(Object.keys(document)).toEqual(['site', 'runId', 'expiresAt', 'links']);
    expect(document).toMatchObject({ site: 'acme', runId: TODAY_RUN, expiresAt: expiryAfter(604_800) });
    expect(document.links.map((link) => link.name)).toEqual(REPORT_ORDER);
    for (const link of document.links) {
      expect(Object.keys(link)).toEqual(['name', 'bytes', 'url']);
      const expected = await storedBytes(TODAY_RUN, link.name);
      expect(link.bytes).toBe(expected.length);
      const url = new URL(link.url);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
      expect(signatureIsValid(link.url, s3.server.credentials.secretAccessKey)).toBe(true);
      expect(url.searchParams.get('X-Amz-Date')).toBe(signedAt.toISOString().replace(/[-:]|\.\d{3}/g, ''));
      const { status, body, disposition } = await download(link.url);
      expect(status).toBe(200);
      expect(body.equals(expected)).toBe(true);
      // The data files download under a name that says which site and run they are; the page opens.
      expect(disposition).toBe(
        link.name === 'report.html' ? null : `attachment; filename="acme-${TODAY_RUN}-${link.name}"`,
      );
    }
    expectNoSecrets(run);
  });

  it('signs for the requested number of seconds: --expires 30m', async () => {
    const run = await cli(['share', '--site', 'acme', '--run', TODAY_RUN, '--expires', '30m', '--json']);

    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as { expiresAt: string; links: { url: string }[] };
    expect(document.expiresAt).toBe(expiryAfter(1800));
    expect(document.links.map((link) => new URL(link.url).searchParams.get('X-Amz-Expires'))).toEqual(
      REPORT_ORDER.map(() => '1800'),
    );
  });

  it.each([
    ['8d', 'is longer than S3 allows'],
    ['soon', 'is not a duration'],
    ['0h', 'is not a duration'],
  ])('--expires %s exits 2 naming the flag and the forms it accepts', async (value, problem) => {
    const run = await cli(['share', '--site', 'acme', '--run', TODAY_RUN, '--expires', value]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `rollcall: --expires: "${value}" ${problem}; use a number and a unit (s, m, h, d), such as 30m, 24h or 7d, from 1s up to 7d (the longest a presigned S3 link can live).\n`,
    );
  });

  it('refuses a file:// store, naming where the store came from', async () => {
    const fromConfig = await cli([
      'share',
      '--config',
      'local.config.json',
      '--site',
      'acme',
      '--run',
      TODAY_RUN,
    ]);
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stdout).toBe('');
    expect(fromConfig.stderr).toContain(
      'rollcall: share needs an S3 store; the store of local.config.json is "file://./backups"',
    );

    const fromFlag = await cli([
      'share',
      '--site',
      'acme',
      '--run',
      TODAY_RUN,
      '--store',
      'file://./elsewhere',
    ]);
    expect(fromFlag.code).toBe(2);
    expect(fromFlag.stderr).toContain('rollcall: share needs an S3 store; --store is "file://./elsewhere"');
  });

  it('exits 2 for a run without reports, saying how to write them', async () => {
    const run = await cli(['share', '--site', 'acme', '--run', YESTERDAY_RUN]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`site acme has no reports for run ${YESTERDAY_RUN} in s3://`);
    expect(run.stderr).toContain(`write them with "rollcall audit --site acme --run ${YESTERDAY_RUN}"`);
    expect(run.stderr).toContain(`Runs with reports: ${TODAY_RUN}.`);
  });

  it('exits 2 for a run that does not exist, listing the runs that do', async () => {
    const run = await cli(['share', '--site', 'acme', '--run', NEVER_RUN, '--json']);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`site acme has no reports for run ${NEVER_RUN}`);
    expect(run.stderr).toContain(
      `there is no snapshot of that run either (the site's runs are ${YESTERDAY_RUN} (complete), ${TODAY_RUN} (complete))`,
    );
  });

  it('exits 2 for an unknown site or a malformed run id, like the other commands', async () => {
    const unknown = await cli(['share', '--site', 'nope', '--run', TODAY_RUN]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('rollcall: rollcall.config.json: no site "nope" (sites: acme).\n');

    const malformed = await cli(['share', '--site', 'acme', '--run', 'yesterday']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(
      '--run: "yesterday" is not a run: use latest, previous, a date like 2026-11-21 or a run id from `rollcall runs --site acme`.',
    );
  });

  it('warns when the signing credentials expire before the links, and says when in --json', async () => {
    const credentialsExpireAt = new Date(signedAt.getTime() + 3600_000);
    const temporary = new S3Client({
      ...s3ClientOptions(s3.server.endpoint),
      region: s3.server.region,
      credentials: async () => ({
        ...s3.server.credentials,
        sessionToken: 'temporary-session-token',
        expiration: credentialsExpireAt,
      }),
    });
    try {
      const human = await cli(['share', '--site', 'acme', '--run', TODAY_RUN, '--expires', '2h'], {
        s3: temporary,
      });
      expect(human.code).toBe(0);
      expect(human.stderr).toBe(
        `WARNING: the credentials that signed these links expire at ${expiryAfter(3600)}, before the links do; the links stop working then. To make links that last until ${expiryAfter(7200)}, run share again with credentials valid until then, or ask for a shorter --expires.\n`,
      );

      const json = await cli(['share', '--site', 'acme', '--run', TODAY_RUN, '--expires', '30m', '--json'], {
        s3: temporary,
      });
      expect(json.code).toBe(0);
      expect(json.stderr).toBe('');
      expect(JSON.parse(json.stdout)).toMatchObject({
        expiresAt: expiryAfter(1800),
        credentialsExpireAt: expiryAfter(3600),
      });
    } finally {
      temporary.destroy();
    }
  });
});
