/**
 * The two Lambda handlers as the state machine calls them: real HTTP against an emulator, the real
 * S3 protocol against a local server, Secrets Manager mocked. What the function prints (Powertools
 * JSON logs and EMF metrics) is captured from stdout and stderr during each call.
 */
import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_REFERENCE_DATE,
  generateSiteData,
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { type RunningEmulator, startEmulator } from '../../dev/emulators/start-emulator.ts';
import { createAuditHandler } from '../../functions/audit/handler.ts';
import { createEvidenceHandler } from '../../functions/evidence/handler.ts';
import { createExportHandler } from '../../functions/export/handler.ts';
import { EXPORT_SLICE_SAFETY_MARGIN_MS } from '../../functions/lambda/contract.ts';
import {
  auditOutputSchema,
  evidenceOutputSchema,
  exportFinishedSchema,
  exportInProgressSchema,
  exportOutputSchema,
} from '../../functions/lambda/events.ts';
import { createLogger, createMetrics } from '../../functions/lambda/observability.ts';
import { reportRunPrefix } from '../../functions/reports/layout.ts';
import { summarySchema } from '../../functions/reports/summary.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { latestPointerKey, runCheckpointKey, runLeaseKey } from '../../functions/snapshot/layout.ts';
import { readLatest, readManifestAt } from '../../functions/snapshot/read-snapshot.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import {
  type CallingFunction,
  CallRecorder,
  committedCalls,
  writeRecordedCalls,
} from '../infra/permissions/recorded-calls.ts';
import { startTestS3, type TestS3 } from '../support/local-s3.ts';

const SITE = 'acme';
const SECRET_ID = 'rollcall/acme';
const NIGHT_1 = '2026-11-22T02:00:00Z';
const RUN_1 = '20261122T020000Z';
const NIGHT_2 = '2026-11-23T02:00:00Z';
const RUN_2 = '20261123T020000Z';
const EMULATED = { users: 250, groups: 6, seed: 7 };

const secretsManager = mockClient(SecretsManagerClient);
let s3: TestS3;
let emulator: RunningEmulator;

/** Every S3 call and secret read the handlers make, for the stack's permission contract. */
const recorder = new CallRecorder((key) => key.split('/')[0] ?? '');

/** When set, the next write of a checkpoint fails as S3 fails under load (a slice then fails). */
let failNextCheckpointWrite = false;

beforeAll(async () => {
  s3 = await startTestS3();
  recorder.attach(s3.client);
  s3.client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      if (
        failNextCheckpointWrite &&
        context.commandName === 'PutObjectCommand' &&
        key.endsWith('/checkpoint.json')
      ) {
        failNextCheckpointWrite = false;
        throw Object.assign(new Error('Please reduce your request rate.'), {
          name: 'SlowDown',
          $fault: 'server',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'rollcallFailCheckpointWrite' },
  );
  emulator = await startEmulator('periscope-v1', { ...EMULATED, latencyMs: 0 });
});
afterAll(async () => {
  secretsManager.restore();
  await emulator?.close();
  await s3?.stop();
});
beforeEach(() => {
  secretsManager.reset();
  secretSays(SECRET_ID, emulator.credentials);
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function secretSays(secretId: string, value: unknown): void {
  secretsManager.on(GetSecretValueCommand, { SecretId: secretId }).resolves({
    SecretString: JSON.stringify(value),
  });
}

/** What the emulator serves, counted from the same seeded data it generated. */
function emulatorCounts() {
  const data = generateSiteData({ ...EMULATED, referenceDate: DEFAULT_REFERENCE_DATE });
  return {
    users: data.users.length,
    groups: data.groups.length,
    memberships: data.users.reduce((sum, user) => sum + new Set(user.groups).size, 0),
  };
}

/** One site's functions as the stack deploys them, on their own store prefix. */
interface Deployed {
  readonly store: ObjectStore;
  readonly prefix: string;
  /** `remainingMs` stands for the invocation's time left (Lambda's context): default 15 minutes. */
  exportRun(event: unknown, remainingMs?: () => number): Promise<Invocation>;
  audit(event: unknown): Promise<Invocation>;
  evidence(event: unknown): Promise<Invocation>;
}

/**
 * `site` overrides the default site's settings; `env` replaces the whole environment; `sleep`
 * replaces the export's waits (back-off, another execution's lease).
 */
function deploy(
  site: Record<string, unknown> = {},
  env?: Record<string, string>,
  sleep?: (ms: number) => Promise<void>,
): Deployed {
  const prefix = `lambda-${randomUUID()}`;
  const environment = env ?? {
    ROLLCALL_STORE: `s3://${s3.server.bucket}/${prefix}`,
    ROLLCALL_SITE: JSON.stringify({
      id: SITE,
      provider: 'periscope-v1',
      baseUrl: emulator.url,
      credentials: { secretId: SECRET_ID },
      http: { maxRetries: 0 },
      ...site,
    }),
  };
  const exportHandler = createExportHandler({
    env: environment,
    s3: s3.client,
    secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
    clock: systemClock,
    logger: createLogger(),
    metrics: createMetrics(),
    ...(sleep === undefined ? {} : { sleep }),
  });
  const auditHandler = createAuditHandler({
    env: environment,
    s3: s3.client,
    logger: createLogger(),
    metrics: createMetrics(),
  });
  const evidenceHandler = createEvidenceHandler({
    env: environment,
    s3: s3.client,
    logger: createLogger(),
    metrics: createMetrics(),
    clock: systemClock,
  });
  return {
    store: s3.store(prefix),
    prefix,
    exportRun: (event, remainingMs) =>
      invoke(exportHandler, event, `rollcall-export-${SITE}`, 'export', remainingMs),
    audit: (event) => invoke(auditHandler, event, `rollcall-audit-${SITE}`, 'audit'),
    evidence: (event) => invoke(evidenceHandler, event, `rollcall-evidence-${SITE}`, 'evidence'),
  };
}

interface EmfDocument {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

interface Invocation {
  readonly result?: unknown;
  readonly error?: Error;
  /** Everything the function wrote to stdout and stderr during the call. */
  readonly printed: string;
  /** Powertools log lines (JSON with a level). */
  readonly logs: readonly Record<string, unknown>[];
  /** EMF documents: each metric with its namespace, unit, dimensions and value. */
  readonly metrics: Readonly<Record<string, MetricPoint>>;
}

interface MetricPoint {
  readonly namespace: string;
  readonly unit: string;
  readonly dimensions: Readonly<Record<string, unknown>>;
  readonly value: unknown;
}

function lambdaContext(functionName: string, remainingMs: () => number = () => 900_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/22/[$LATEST]test',
    getRemainingTimeInMillis: remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Calls a handler as Lambda does and captures what Powertools prints meanwhile. */
async function invoke(
  handler: (event: unknown, context: Context) => Promise<unknown>,
  event: unknown,
  functionName: string,
  calling: CallingFunction,
  remainingMs?: () => number,
): Promise<Invocation> {
  const secretReads = secretsManager.commandCalls(GetSecretValueCommand).length;
  recorder.current = calling;
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  let result: unknown;
  let error: Error | undefined;
  try {
    result = await handler(event, lambdaContext(functionName, remainingMs));
  } catch (thrown) {
    error = thrown as Error;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    recorder.current = undefined;
  }
  if (secretsManager.commandCalls(GetSecretValueCommand).length > secretReads) {
    recorder.add({ function: calling, action: 'secretsmanager:GetSecretValue', resource: 'secret', kms: [] });
  }
  const printed = chunks.join('');
  const documents = printed
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const metrics: Record<string, MetricPoint> = {};
  for (const document of documents.filter((entry): entry is EmfDocument => '_aws' in entry)) {
    for (const directive of document._aws.CloudWatchMetrics) {
      const dimensionNames = directive.Dimensions.flat();
      for (const metric of directive.Metrics) {
        metrics[metric.Name] = {
          namespace: directive.Namespace,
          unit: metric.Unit,
          dimensions: Object.fromEntries(dimensionNames.map((name) => [name, document[name]])),
          value: document[metric.Name],
        };
      }
    }
  }
  return {
    ...(error === undefined ? { result } : { error }),
    printed,
    logs: documents.filter((entry) => 'level' in entry),
    metrics,
  };
}

/** The value each named metric was emitted with, as `Rollcall` counts for this site. */
function countsOf(invocation: Invocation, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    names.map((name) => {
      const point = invocation.metrics[name];
      expect(point, `metric ${name}`).toBeDefined();
      expect(point).toMatchObject({ namespace: 'Rollcall', unit: 'Count', dimensions: { site: SITE } });
      return [name, point?.value];
    }),
  );
}

async function keysUnder(store: ObjectStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

async function readJson(store: ObjectStore, key: string): Promise<unknown> {
  const bytes = await store.get(key);
  if (!bytes) throw new Error(`no object ${key}`);
  return JSON.parse(bytes.toString('utf8'));
}

const outcomeLine = (invocation: Invocation, message: string) =>
  invocation.logs.find((line) => line.message === message);

describe('the export handler', () => {
  it('exports the site the Scheduler names at the time it names: complete, counted, latest.json moved, metrics emitted', async () => {
    const lambda = deploy();

    const run = await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1, extra: 'ignored' });

    expect(run.error).toBeUndefined();
    const output = exportOutputSchema.parse(run.result);
    const manifestKey = `snapshots/site=${SITE}/date=2026-11-22/run=${RUN_1}/manifest.json`;
    expect(output).toEqual({
      site: SITE,
      runId: RUN_1,
      scheduledAt: '2026-11-22T02:00:00.000Z',
      status: 'complete',
      counts: emulatorCounts(),
      manifestKey,
    });
    expect(await readManifestAt(lambda.store, manifestKey)).toMatchObject({
      site: SITE,
      runId: RUN_1,
      scheduledAt: '2026-11-22T02:00:00.000Z',
      status: 'complete',
      counts: emulatorCounts(),
    });
    expect(await readLatest(lambda.store, SITE)).toEqual({ runId: RUN_1, key: manifestKey });
    // The site's credentials came from its secret.
    expect(secretsManager.commandCalls(GetSecretValueCommand, { SecretId: SECRET_ID })).toHaveLength(1);

    const manifest = await readManifestAt(lambda.store, manifestKey);
    const listings = Object.values(manifest?.source ?? {});
    expect(countsOf(run, ['UsersExported', 'GroupsExported', 'Pages', 'Retries', 'ExportComplete'])).toEqual({
      UsersExported: emulatorCounts().users,
      GroupsExported: emulatorCounts().groups,
      Pages: listings.reduce((sum, listing) => sum + listing.pages, 0),
      Retries: 0,
      ExportComplete: 1,
    });
    expect(run.metrics.UsersExported?.dimensions).toEqual({ service: 'rollcall', site: SITE });
    expect(outcomeLine(run, 'export finished')).toMatchObject({
      level: 'INFO',
      service: 'rollcall',
      site: SITE,
      runId: RUN_1,
      status: 'complete',
      counts: emulatorCounts(),
      function_name: `rollcall-export-${SITE}`,
    });
    expect(run.printed).not.toContain((emulator.credentials as { apiKey: string }).apiKey);
  });

  it('an execution that meets another one writing the same run fails as RollcallRunBusy, and its retry once that one is done is a no-op', async () => {
    const lambda = deploy({}, undefined, async () => {});
    const event = { site: SITE, scheduledAt: NIGHT_1 };
    const since = new Date(Date.now() - 30_000).toISOString();
    const until = new Date(Date.now() + 270_000).toISOString();
    const otherLease = { holder: 'other-execution', purpose: 'export', acquiredAt: since, expiresAt: until };
    const leaseKey = runLeaseKey(SITE, RUN_1);
    const tag = await lambda.store.putIf(leaseKey, JSON.stringify({ ...otherLease, released: false }), {
      ifNoneMatch: '*',
    });

    const busy = await lambda.exportRun(event);

    expect(busy.error?.name).toBe('RollcallRunBusy');
    expect(busy.error?.message).toBe(
      `run ${RUN_1} of site ${SITE} is being written by another export since ${since}; try again when it has finished (if it has stopped, its lease expires at ${until}).`,
    );
    // Retried by the state machine: not the run's outcome, so not an incomplete export.
    expect(busy.metrics.ExportComplete).toBeUndefined();
    expect(await keysUnder(lambda.store, 'snapshots/')).toEqual([]);

    // The other execution finishes the run and releases its lease; then the retry comes.
    await lambda.store.putIf(leaseKey, JSON.stringify({ ...otherLease, released: true }), {
      ifMatch: tag ?? '',
    });
    const finished = await lambda.exportRun(event);
    expect(finished.error).toBeUndefined();
    const requests = emulator.requestsByKind();
    const retried = await lambda.exportRun(event);
    expect(retried.error).toBeUndefined();
    expect(retried.result).toEqual(finished.result);
    expect(outcomeLine(retried, 'export finished')).toMatchObject({ alreadyComplete: true });
    expect(emulator.requestsByKind()).toEqual(requests);
  });

  it('a retried execution (the same payload again) returns the same run and keys and writes nothing new', async () => {
    const lambda = deploy();
    const event = { site: SITE, scheduledAt: NIGHT_1 };
    const first = await lambda.exportRun(event);
    const keys = await keysUnder(lambda.store);
    const manifestKey = exportFinishedSchema.parse(first.result).manifestKey;
    const manifest = await lambda.store.get(manifestKey);
    const requests = emulator.requestsByKind();

    const retried = await lambda.exportRun(event);

    expect(retried.error).toBeUndefined();
    expect(retried.result).toEqual(first.result);
    expect(await keysUnder(lambda.store)).toEqual(keys);
    expect(await lambda.store.get(manifestKey)).toEqual(manifest);
    expect(await readLatest(lambda.store, SITE)).toEqual({ runId: RUN_1, key: manifestKey });
    // The complete run was re-used: the API was not asked for anything.
    expect(emulator.requestsByKind()).toEqual(requests);
    expect(countsOf(retried, ['ExportComplete', 'UsersExported'])).toEqual({
      ExportComplete: 1,
      UsersExported: emulatorCounts().users,
    });
    expect(outcomeLine(retried, 'export finished')).toMatchObject({ alreadyComplete: true });
  });

  it('a listing whose cursor repeats makes the run incomplete: the reason is returned, ExportComplete is 0, latest.json stays', async () => {
    const site = await startPeriscopeV1Emulator({ users: 250, groups: 4, seed: 11 });
    cleanups.push(() => site.close());
    secretSays('rollcall/faulty', { site: site.site, apiKey: site.apiKey });
    const lambda = deploy({ baseUrl: site.url, credentials: { secretId: 'rollcall/faulty' } });
    const night1 = await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1 });
    expect(exportOutputSchema.parse(night1.result).status).toBe('complete');
    const latest = await lambda.store.get(latestPointerKey(SITE));

    site.setFaults({ repeatCursor: { fromPage: 2 } });
    const night2 = await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_2 });

    expect(night2.error).toBeUndefined();
    const output = exportFinishedSchema.parse(night2.result);
    expect(output).toMatchObject({ site: SITE, runId: RUN_2, status: 'incomplete' });
    expect(output.reason).toMatch(/users/);
    expect(await readManifestAt(lambda.store, output.manifestKey)).toMatchObject({
      status: 'incomplete',
      reason: output.reason,
    });
    expect(await lambda.store.get(latestPointerKey(SITE))).toEqual(latest);
    expect(await readLatest(lambda.store, SITE)).toMatchObject({ runId: RUN_1 });
    expect(countsOf(night2, ['ExportComplete'])).toEqual({ ExportComplete: 0 });
    expect(outcomeLine(night2, 'export finished')).toMatchObject({
      site: SITE,
      runId: RUN_2,
      status: 'incomplete',
      reason: output.reason,
    });

    // The audit refuses the incomplete run, by name.
    const audit = await lambda.audit(night2.result);
    expect(audit.error?.name).toBe('RollcallAuditFailed');
    expect(audit.error?.message).toContain(`Run ${RUN_2} of site ${SITE} is INCOMPLETE`);
  });

  it('a wrong API key fails the site (not retried) and the key is in neither the error nor the output', async () => {
    const wrongKey = 'wrong-key-5f0c9d2e-7b41-4a3c-9e86-1d2f3a4b5c6d';
    const credentials = emulator.credentials as { site: string; apiKey: string };
    secretSays('rollcall/revoked', { site: credentials.site, apiKey: wrongKey });
    const lambda = deploy({ credentials: { secretId: 'rollcall/revoked' } });

    const run = await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1 });

    expect(run.error?.name).toBe('RollcallSiteFailed');
    expect(run.error).toMatchObject({ failure: 'auth' });
    expect(run.error?.message).toContain('the API rejected the key (403)');
    expect(run.error?.message).not.toContain(wrongKey);
    expect(run.printed).not.toContain(wrongKey);
    expect(run.printed).not.toContain(wrongKey.slice(0, 16));
    expect(outcomeLine(run, 'export failed')).toMatchObject({
      level: 'ERROR',
      site: SITE,
      runId: RUN_1,
      errorName: 'RollcallSiteFailed',
      failure: 'auth',
      reason: run.error?.message,
    });
    expect(countsOf(run, ['ExportComplete'])).toEqual({ ExportComplete: 0 });
    // The failure record, for `rollcall runs` and whoever browses the archive, and the run's
    // released lease (under work/, expired by lifecycle).
    const failureKey = 'snapshots/site=acme/date=2026-11-22/run=20261122T020000Z/failure.json';
    expect(await keysUnder(lambda.store, 'snapshots/')).toEqual([failureKey]);
    // What the attempt read may stay under the run's working prefix for the next attempt.
    const work = await keysUnder(lambda.store, 'work/');
    expect(work).toContain(runLeaseKey(SITE, RUN_1));
    for (const key of work) expect(key.startsWith(`work/site=${SITE}/run=${RUN_1}/`)).toBe(true);
    const record = String(await lambda.store.get(failureKey));
    expect(JSON.parse(record)).toMatchObject({ site: SITE, runId: RUN_1, failure: 'auth' });
    expect(record).not.toContain(wrongKey);
  });

  it('a site that cannot be reached is a transient error, which the state machine retries', async () => {
    const site = await startPeriscopeV1Emulator({ users: 5, groups: 3 });
    const url = site.url;
    await site.close();
    const lambda = deploy({ baseUrl: url });

    const run = await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1 });

    expect(run.error?.name).toBe('RollcallTransientError');
    expect(run.error).toMatchObject({ failure: 'unreachable' });
    expect(run.error?.cause).toBeInstanceOf(Error);
    // Not the run's outcome yet: if every retry fails, the failed execution raises the alarm.
    expect(run.metrics.ExportComplete).toBeUndefined();
  });

  it('refuses an event without scheduledAt, or one for another site, naming the field or both sites', async () => {
    const lambda = deploy();

    const missing = await lambda.exportRun({ site: SITE });
    const malformed = await lambda.exportRun({ site: SITE, scheduledAt: 'last night' });
    const otherSite = await lambda.exportRun({ site: 'globex', scheduledAt: NIGHT_1 });

    expect(missing.error?.name).toBe('RollcallBadEvent');
    expect(missing.error?.message).toBe('export event: scheduledAt: is required');
    expect(malformed.error?.message).toBe(
      'export event: scheduledAt: must be an ISO-8601 time such as 2026-11-22T02:00:00Z',
    );
    expect(otherSite.error?.name).toBe('RollcallBadEvent');
    expect(otherSite.error?.message).toContain('"globex"');
    expect(otherSite.error?.message).toContain('"acme"');
    expect(outcomeLine(otherSite, 'export failed')).toMatchObject({
      errorName: 'RollcallBadEvent',
      reason: otherSite.error?.message,
    });
    expect(await keysUnder(lambda.store)).toEqual([]);
  });

  it('refuses an impossible scheduled time, and one more than a day ahead, before reading anything', async () => {
    const lambda = deploy();

    const impossible = await lambda.exportRun({ site: SITE, scheduledAt: '2026-02-30T02:00:00Z' });
    const farAhead = await lambda.exportRun({ site: SITE, scheduledAt: '9999-12-31T23:59:59Z' });

    // zod's ISO check knows the calendar: 30 February is not a time.
    expect(impossible.error?.name).toBe('RollcallBadEvent');
    expect(impossible.error?.message).toBe(
      'export event: scheduledAt: must be an ISO-8601 time such as 2026-11-22T02:00:00Z',
    );
    expect(farAhead.error?.name).toBe('RollcallConfigError');
    expect(farAhead.error?.message).toMatch(
      /^the scheduled time 9999-12-31T23:59:59\.000Z is more than a day ahead of now \(.*\); a run may be scheduled at most 24 hours ahead\.$/,
    );
    expect(await keysUnder(lambda.store)).toEqual([]);
  });

  it('names ROLLCALL_SITE when it is not JSON, or not a valid site, and ROLLCALL_STORE when it is not S3', async () => {
    const notJson = await deploy(
      {},
      { ROLLCALL_STORE: 's3://rollcall-test/x', ROLLCALL_SITE: '{id: acme' },
    ).exportRun({ site: SITE, scheduledAt: NIGHT_1 });
    const invalid = await deploy(
      {},
      {
        ROLLCALL_STORE: 's3://rollcall-test/x',
        ROLLCALL_SITE: JSON.stringify({ id: SITE, provider: 'nope', credentials: { secretId: 's' } }),
      },
    ).audit({ site: SITE, runId: RUN_1 });
    const fileStore = await deploy(
      {},
      {
        ROLLCALL_STORE: 'file://./backups',
        ROLLCALL_SITE: JSON.stringify({ id: SITE, provider: 'periscope-v1', credentials: { secretId: 's' } }),
      },
    ).exportRun({ site: SITE, scheduledAt: NIGHT_1 });

    expect(notJson.error?.name).toBe('RollcallConfigError');
    expect(notJson.error?.message).toMatch(/^ROLLCALL_SITE is not valid JSON \(/);
    expect(notJson.error?.message).not.toMatch(/ZodError|\n\s+at /);
    expect(invalid.error?.name).toBe('RollcallConfigError');
    expect(invalid.error?.message).toMatch(/^ROLLCALL_SITE: provider: must be one of "periscope-v1"/);
    expect(fileStore.error?.message).toBe(
      'ROLLCALL_STORE "file://./backups" must be s3://<bucket>[/<prefix>].',
    );
    expect(outcomeLine(notJson, 'export failed')).toMatchObject({ errorName: 'RollcallConfigError' });
  });
});

/**
 * Lambda's clock for one invocation of the export: time left until the site has answered
 * `requests` more requests, then no more than the safety margin (the slice must end). Counted in
 * requests the site saw, not in wall time, however often the handler asks.
 */
function timeForRequests(site: { readonly requests: readonly unknown[] }, requests: number): () => number {
  const before = site.requests.length;
  return () =>
    site.requests.length - before < requests
      ? EXPORT_SLICE_SAFETY_MARGIN_MS + 60_000
      : EXPORT_SLICE_SAFETY_MARGIN_MS;
}

/** Every object of the run's snapshot by its key, except the manifest (it says when and in how many slices). */
async function snapshotObjects(store: ObjectStore): Promise<Record<string, Buffer | undefined>> {
  const keys = (await keysUnder(store, 'snapshots/')).filter((key) => !key.endsWith('/manifest.json'));
  return Object.fromEntries(await Promise.all(keys.map(async (key) => [key, await store.get(key)] as const)));
}

/** The manifest without its times and slice count: what the data it describes decides. */
async function manifestContent(store: ObjectStore, key: string): Promise<unknown> {
  const manifest = await readManifestAt(store, key);
  if (!manifest) throw new Error(`no manifest at ${key}`);
  const { startedAt: _started, finishedAt: _finished, slices: _slices, source, ...content } = manifest;
  // How slow the slowest request happened to be is the only measurement in it.
  const listings = Object.entries(source).map(([name, { slowestRequestMs: _slowest, ...listing }]) => [
    name,
    listing,
  ]);
  return { ...content, source: Object.fromEntries(listings) };
}

describe('the export handler, slice by slice', () => {
  const event = { site: SITE, scheduledAt: NIGHT_1 };

  /** A site of its own (faults can be set on it), and one export of it in one invocation. */
  async function siteExportedWhole(secretId: string) {
    const site = await startPeriscopeV1Emulator({ users: 250, groups: 6, seed: 3 });
    cleanups.push(() => site.close());
    secretSays(secretId, { site: site.site, apiKey: site.apiKey });
    const settings = { baseUrl: site.url, credentials: { secretId } };
    const whole = deploy(settings);
    const once = await whole.exportRun(event);
    return { site, settings, whole, once: exportFinishedSchema.parse(once.result) };
  }

  /** Invokes the export as the state machine does until it is no longer in progress. */
  async function slicesToTheEnd(
    lambda: Deployed,
    site: PeriscopeV1Emulator,
    requestsPerSlice: number,
  ): Promise<Invocation[]> {
    const slices: Invocation[] = [];
    for (;;) {
      const slice = await lambda.exportRun(event, timeForRequests(site, requestsPerSlice));
      expect(slice.error).toBeUndefined();
      slices.push(slice);
      if (exportOutputSchema.parse(slice.result).status !== 'in-progress' || slices.length > 100)
        return slices;
    }
  }

  it('runs an export that outlives its invocation as a chain of slices, each passing on the checkpoint key, and writes the snapshot one invocation writes', async () => {
    const { site, settings, whole, once } = await siteExportedWhole('rollcall/sliced');
    const lambda = deploy(settings);

    const slices = await slicesToTheEnd(lambda, site, 1);

    expect(slices.length).toBeGreaterThan(2);
    for (const [index, slice] of slices.slice(0, -1).entries()) {
      const output = exportInProgressSchema.parse(slice.result);
      expect(output).toEqual({
        site: SITE,
        runId: RUN_1,
        scheduledAt: '2026-11-22T02:00:00.000Z',
        status: 'in-progress',
        checkpointKey: runCheckpointKey(SITE, RUN_1),
        slices: index + 1,
        progress: expect.any(String),
      });
      // The key travels through Step Functions, never the checkpoint: far below its 256 KiB.
      expect(JSON.stringify(output).length).toBeLessThan(1024);
      // A slice is not an outcome: the export-incomplete alarm sees nothing of it.
      expect(slice.metrics.ExportComplete).toBeUndefined();
      expect(outcomeLine(slice, 'export slice ended')).toMatchObject({
        runId: RUN_1,
        slices: index + 1,
        progress: output.progress,
      });
    }
    const last = slices[slices.length - 1] as Invocation;
    expect(exportFinishedSchema.parse(last.result)).toEqual(once);
    expect(countsOf(last, ['ExportComplete', 'ExportSlices'])).toEqual({
      ExportComplete: 1,
      ExportSlices: slices.length,
    });
    expect(outcomeLine(last, 'export finished')).toMatchObject({ status: 'complete', slices: slices.length });
    expect(await snapshotObjects(lambda.store)).toEqual(await snapshotObjects(whole.store));
    expect(await manifestContent(lambda.store, once.manifestKey)).toEqual(
      await manifestContent(whole.store, once.manifestKey),
    );
    expect(await readManifestAt(lambda.store, once.manifestKey)).toMatchObject({ slices: slices.length });
    expect(await readLatest(lambda.store, SITE)).toEqual({ runId: RUN_1, key: once.manifestKey });
    // The checkpoint and its parts are gone; the run's released lease waits for the lifecycle rule.
    expect(await keysUnder(lambda.store, 'work/')).toEqual([runLeaseKey(SITE, RUN_1)]);

    // The audit takes the last slice's output as the state machine passes it on.
    const audit = await lambda.audit(last.result);
    const auditOfWhole = await whole.audit(once);
    expect(audit.error).toBeUndefined();
    const { reportLocation: _sliced, ...audited } = auditOutputSchema.parse(audit.result);
    const { reportLocation: _whole, ...auditedWhole } = auditOutputSchema.parse(auditOfWhole.result);
    expect(audited).toEqual(auditedWhole);
  });

  it('a slice invoked again with the same input (a lost response, a retried failure) is harmless: the run ends with the same snapshot', async () => {
    const { site, settings, whole, once } = await siteExportedWhole('rollcall/retried');
    const lambda = deploy(settings);

    const first = await lambda.exportRun(event, timeForRequests(site, 1));
    // The next slice reads its page but cannot write its checkpoint: S3 is overloaded. The error
    // goes to the state machine, which invokes the slice again with the same input.
    failNextCheckpointWrite = true;
    const failed = await lambda.exportRun(event, timeForRequests(site, 1));
    const failureKey = `snapshots/site=${SITE}/date=2026-11-22/run=${RUN_1}/failure.json`;
    const retried = await lambda.exportRun(event, timeForRequests(site, 1));
    // Step Functions did not get that answer (a Lambda service error) and asks once more.
    const again = await lambda.exportRun(event, timeForRequests(site, 1));
    const rest =
      exportOutputSchema.parse(again.result).status === 'in-progress'
        ? await slicesToTheEnd(lambda, site, 1)
        : [again];

    expect(exportInProgressSchema.parse(first.result).slices).toBe(1);
    expect(failNextCheckpointWrite).toBe(false);
    expect(failed.error?.name).toBe('RollcallTransientError');
    expect(failed.metrics.ExportComplete).toBeUndefined();
    expect(retried.error).toBeUndefined();
    // The retry goes on from the checkpoint the first slice wrote, not from the beginning.
    const retriedLine = outcomeLine(retried, 'export slice ended') ?? outcomeLine(retried, 'export finished');
    expect(retriedLine?.resumedAt).toEqual(expect.any(String));
    expect(again.error).toBeUndefined();
    expect(exportOutputSchema.parse(retried.result).runId).toBe(RUN_1);
    const last = rest[rest.length - 1] as Invocation;
    expect(exportFinishedSchema.parse(last.result)).toEqual(once);
    // The failed attempt left its failure record beside the run, older than the manifest that
    // supersedes it (`rollcall runs` shows the run complete); the data is the same to the byte.
    const { [failureKey]: record, ...objects } = await snapshotObjects(lambda.store);
    const manifest = await readManifestAt(lambda.store, once.manifestKey);
    expect(JSON.parse(String(record))).toMatchObject({ failure: 'store', failedAt: expect.any(String) });
    expect(JSON.parse(String(record)).failedAt < String(manifest?.finishedAt)).toBe(true);
    expect(objects).toEqual(await snapshotObjects(whole.store));
    expect(await manifestContent(lambda.store, once.manifestKey)).toEqual(
      await manifestContent(whole.store, once.manifestKey),
    );
    expect(await keysUnder(lambda.store, 'work/')).toEqual([runLeaseKey(SITE, RUN_1)]);
  });
  it('a duplicate execution of a run being exported in slices is refused as busy; the chain that holds it finishes', async () => {
    const { site, settings, whole, once } = await siteExportedWhole('rollcall/duplicate');
    const lambda = deploy(settings);
    const chain = { ...event, holder: 'execution-that-started-the-run' };
    const duplicate = { ...event, holder: 'a-second-delivery-of-the-schedule' };

    const first = await lambda.exportRun(chain, timeForRequests(site, 1));
    const meanwhile = await lambda.exportRun(duplicate, timeForRequests(site, 1));
    const slices = [first];
    for (let next = first; exportOutputSchema.parse(next.result).status === 'in-progress'; ) {
      next = await lambda.exportRun(chain, timeForRequests(site, 1));
      expect(next.error).toBeUndefined();
      slices.push(next);
      if (slices.length > 100) break;
    }

    expect(exportInProgressSchema.parse(first.result).slices).toBe(1);
    // The duplicate waits for the lease like any writer, and the state machine retries it later,
    // when the run is complete and its export a no-op.
    expect(meanwhile.error?.name).toBe('RollcallRunBusy');
    expect(meanwhile.error?.message).toMatch(/is being written by another export since/);
    const last = slices[slices.length - 1] as Invocation;
    expect(exportFinishedSchema.parse(last.result)).toEqual(once);
    expect(await snapshotObjects(lambda.store)).toEqual(await snapshotObjects(whole.store));
    const retried = await lambda.exportRun(duplicate);
    expect(exportFinishedSchema.parse(retried.result)).toEqual(once);
  });
});

describe('the audit handler', () => {
  it('audits the run the export returned: summary.json written, its counts returned and emitted as metrics', async () => {
    const lambda = deploy();
    const exported = await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1 });

    const run = await lambda.audit(exported.result);

    expect(run.error).toBeUndefined();
    const output = auditOutputSchema.parse(run.result);
    const summary = summarySchema.parse(
      await readJson(lambda.store, `${reportRunPrefix(SITE, RUN_1)}summary.json`),
    );
    expect(summary).toMatchObject({ site: SITE, runId: RUN_1, previousRunId: null, verdict: null });
    const fails = summary.findings.failsBySeverity;
    expect(fails.high + fails.medium + fails.low).toBeGreaterThan(0);
    expect(output).toEqual({
      site: SITE,
      runId: RUN_1,
      verdict: 'ok',
      verdictReasons: [],
      highSeverityChanges: [],
      failsBySeverity: fails,
      reportKey: `${reportRunPrefix(SITE, RUN_1)}report.html`,
      reportLocation: `s3://${s3.server.bucket}/${lambda.prefix}/${reportRunPrefix(SITE, RUN_1)}report.html`,
    });
    expect((await lambda.store.get(output.reportKey))?.toString('utf8')).toMatch(/^<!DOCTYPE html>/i);
    expect(countsOf(run, ['FindingsHigh', 'FindingsMedium', 'FindingsLow', 'MassChangeSuspect'])).toEqual({
      FindingsHigh: fails.high,
      FindingsMedium: fails.medium,
      FindingsLow: fails.low,
      MassChangeSuspect: 0,
    });
    expect(outcomeLine(run, 'audit finished')).toMatchObject({
      level: 'INFO',
      site: SITE,
      runId: RUN_1,
      verdict: 'ok',
      failsBySeverity: fails,
    });
  });

  it('compares with the previous complete run and flags a mass delete as suspect', async () => {
    const site = await startPeriscopeV1Emulator({ users: 120, groups: 5, seed: 5 });
    cleanups.push(() => site.close());
    secretSays('rollcall/shrinking', { site: site.site, apiKey: site.apiKey });
    const lambda = deploy({ baseUrl: site.url, credentials: { secretId: 'rollcall/shrinking' } });
    await lambda.audit((await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1 })).result);
    for (const user of site.state.users().slice(0, 30)) site.state.removeUser(user.email);

    const exported = await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_2 });
    const run = await lambda.audit(exported.result);

    expect(run.error).toBeUndefined();
    const output = auditOutputSchema.parse(run.result);
    expect(output).toMatchObject({ runId: RUN_2, previousRunId: RUN_1, verdict: 'suspect' });
    expect(output.verdictReasons.length).toBeGreaterThan(0);
    const summary = summarySchema.parse(
      await readJson(lambda.store, `${reportRunPrefix(SITE, RUN_2)}summary.json`),
    );
    expect(summary.verdict).toMatchObject({ status: 'suspect', removedUsers: 30 });
    expect(output.verdictReasons).toEqual(summary.verdict?.reasons);
    expect(countsOf(run, ['MassChangeSuspect'])).toEqual({ MassChangeSuspect: 1 });
  });

  it('tells the run-complete notification of a group removed with its members, and how to restore it', async () => {
    const site = await startPeriscopeV1Emulator({ users: 120, groups: 5, seed: 5 });
    cleanups.push(() => site.close());
    secretSays('rollcall/regrouped', { site: site.site, apiKey: site.apiKey });
    const lambda = deploy({ baseUrl: site.url, credentials: { secretId: 'rollcall/regrouped' } });
    await lambda.audit((await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1 })).result);
    const group = site.state
      .groups()
      .find((candidate) => !['All Users', 'Administrators'].includes(candidate.name));
    if (!group) throw new Error('the emulator site needs a group of its own');
    const members = site.state.users().filter((user) => user.groups.includes(group.name)).length;
    expect(members).toBeGreaterThan(0);
    site.state.removeGroup(group.name);

    const run = await lambda.audit((await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_2 })).result);

    const output = auditOutputSchema.parse(run.result);
    expect(output.highSeverityChanges).toEqual([
      `HIGH: Group "${group.name}" was removed while it had ${members} ${members === 1 ? 'member' : 'members'}. Restore it and its members: rollcall restore --site ${SITE} --from ${RUN_1} --group '${group.name.replaceAll("'", "'\\''")}' --apply`,
    ]);
  });

  it('throws RollcallAuditFailed for a run that does not exist, and RollcallBadEvent for a malformed run id', async () => {
    const lambda = deploy();

    const missing = await lambda.audit({ site: SITE, runId: RUN_2 });
    const malformed = await lambda.audit({ site: SITE, runId: '2026-11-23' });

    expect(missing.error?.name).toBe('RollcallAuditFailed');
    expect(missing.error).toMatchObject({ outcome: 'missing' });
    expect(missing.error?.message).toContain(SITE);
    expect(outcomeLine(missing, 'audit failed')).toMatchObject({
      errorName: 'RollcallAuditFailed',
      outcome: 'missing',
      reason: missing.error?.message,
    });
    expect(malformed.error?.name).toBe('RollcallBadEvent');
    expect(malformed.error?.message).toBe('audit event: runId: must be a run id such as 20261122T020000Z');
  });
});

describe('the evidence handler', () => {
  it('writes evidence.xlsx of the run the audit returned, beside its reports, and says where', async () => {
    const lambda = deploy();
    const exported = await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1 });
    const audited = await lambda.audit(exported.result);

    const run = await lambda.evidence(audited.result);

    expect(run.error).toBeUndefined();
    const output = evidenceOutputSchema.parse(run.result);
    const key = `${reportRunPrefix(SITE, RUN_1)}evidence.xlsx`;
    expect(output).toEqual({
      site: SITE,
      runId: RUN_1,
      evidenceKey: key,
      evidenceLocation: `s3://${s3.server.bucket}/${lambda.prefix}/${key}`,
    });
    // An .xlsx is a zip: "PK\x03\x04".
    expect((await lambda.store.get(key))?.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(outcomeLine(run, 'evidence written')).toMatchObject({ level: 'INFO', site: SITE, runId: RUN_1 });
  });

  it('fails with a named error for a run that was never audited', async () => {
    const lambda = deploy();
    await lambda.exportRun({ site: SITE, scheduledAt: NIGHT_1 });

    const run = await lambda.evidence({ site: SITE, runId: RUN_1 });

    expect(run.error?.name).toBe('RollcallSiteFailed');
    expect(run.error?.message).toContain('findings.json');
    expect(run.error?.message).toContain('audit the run first');
  });
});

describe('the permission contract', () => {
  // Runs last: by now every test above has called the handlers the ways the state machine does.
  it('lists every AWS call the handlers made, so the stack is proven to allow each one', () => {
    const recorded = recorder.recorded();
    expect(recorded.length).toBeGreaterThan(0);
    if (process.env.ROLLCALL_RECORD_CALLS === '1') writeRecordedCalls(recorded);
    const committed = committedCalls().map((call) => JSON.stringify(call));
    const missing = recorded.filter((call) => !committed.includes(JSON.stringify(call)));
    expect(
      missing,
      'calls not yet in test/infra/permissions/recorded-calls.json: run `ROLLCALL_RECORD_CALLS=1 npx vitest run test/integration/lambda-handlers.test.ts`, then make the stack grant them',
    ).toEqual([]);
  });
});
