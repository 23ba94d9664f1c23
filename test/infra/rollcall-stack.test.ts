import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import validateAsl from 'asl-validator';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_HEAP_FLAGS } from '../../functions/lambda/contract.ts';
import { templatePolicies } from './permissions/template-policies.ts';
import {
  actionsOf,
  archiveBucketOf,
  identityStatements,
  resourcesOf,
  type SynthesizedStack,
  synthesize,
} from './stack-fixture.ts';

const INTRANET_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rollcall/intranet-AbCdEf';

/** Every option of the deployment section on, two sites with different schedules and secrets. */
const config = {
  store: 's3://acme-rollcall-archive/rollcall',
  sites: [
    {
      id: 'acme',
      provider: 'periscope-v1',
      credentials: { secretId: 'rollcall/acme' },
      schedule: 'cron(0 2 * * ? *)',
      timezone: 'Europe/Helsinki',
    },
    {
      id: 'intranet',
      provider: 'lumapps',
      credentials: { secretId: INTRANET_SECRET },
      schedule: 'cron(30 3 ? * MON-FRI *)',
    },
  ],
  deployment: {
    alarmEmail: 'platform@acme.com',
    logRetentionDays: 180,
    archive: {
      coldAfterDays: 60,
      expireAfterDays: 2557,
      noncurrentVersionDays: 30,
      objectLock: { mode: 'compliance', days: 365 },
    },
    auditors: { includeSnapshots: true, trustedPrincipals: ['arn:aws:iam::123456789012:role/auditor'] },
  },
};

let stack: SynthesizedStack;
beforeAll(() => {
  stack = synthesize(config);
}, 180_000);

function archiveBucket() {
  const bucket = archiveBucketOf(stack);
  expect(bucket.Properties.BucketName).toBe('acme-rollcall-archive');
  return bucket;
}

function functionOf(description: string) {
  const entry = Object.entries(stack.resources('AWS::Lambda::Function')).find(
    ([, fn]) => fn.Properties.Description === description,
  );
  if (!entry) throw new Error(`no function "${description}"`);
  return { logicalId: entry[0], ...entry[1] };
}

describe('archive bucket', () => {
  it('is versioned, KMS-encrypted with a rotating customer key, private, logged and retained', () => {
    const bucket = archiveBucket();
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const encryption = (
      bucket.Properties.BucketEncryption as { ServerSideEncryptionConfiguration: unknown[] }
    ).ServerSideEncryptionConfiguration[0] as {
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: string;
        KMSMasterKeyID: { 'Fn::GetAtt': [string, string] };
      };
    };
    expect(encryption.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    const keyId = encryption.ServerSideEncryptionByDefault.KMSMasterKeyID['Fn::GetAtt'][0];
    const key = stack.resources('AWS::KMS::Key')[keyId];
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(key?.DeletionPolicy).toBe('Retain');
    const logging = bucket.Properties.LoggingConfiguration as { DestinationBucketName: { Ref: string } };
    expect(Object.keys(stack.resources('AWS::S3::Bucket'))).toContain(logging.DestinationBucketName.Ref);
    expect(logging.DestinationBucketName.Ref).not.toBe(bucket.logicalId);
  });

  it('denies every request that does not use TLS', () => {
    const bucket = archiveBucket();
    stack.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket.logicalId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('moves objects to a colder class and bounds every version by expireAfterDays', () => {
    const rules = (archiveBucket().Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] })
      .Rules;
    expect(rules).toHaveLength(3);
    // Current versions make way after 2527 days; the noncurrent copy goes 30 days later: 2557.
    expect(rules).toContainEqual({
      Id: 'cold-then-expire',
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 60 }],
      ExpirationInDays: 2527,
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
    expect(rules).toContainEqual({
      Id: 'remove-expired-delete-markers',
      Status: 'Enabled',
      ExpiredObjectDeleteMarker: true,
    });
    expect(rules).toContainEqual({
      Id: 'expire-abandoned-runs',
      Status: 'Enabled',
      Prefix: 'rollcall/work/',
      ExpirationInDays: 7,
    });
  });

  it('keeps an undelivered schedule start 14 days in the dead-letter queue', () => {
    stack.template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('locks every new object version for the configured days and mode', () => {
    const bucket = archiveBucket();
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
    });
  });
});

describe('state machines', () => {
  it('each rendered definition is valid Amazon States Language (asl-validator)', () => {
    const policies = templatePolicies(stack.template.toJSON() as Parameters<typeof templatePolicies>[0]);
    const machines = Object.values(stack.resources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(2);
    for (const machine of machines) {
      const definition = JSON.parse(String(policies.resolve(machine.Properties.DefinitionString)));
      const result = validateAsl(definition, { checkArn: true, checkPaths: true });
      expect(result.errorsText('\n'), JSON.stringify(definition)).toBe('');
      expect(result.isValid).toBe(true);
    }
  });
});

describe('per site', () => {
  it('has one schedule per site, with its cron, time zone, retry policy and dead-letter queue', () => {
    const schedules = Object.values(stack.resources('AWS::Scheduler::Schedule'))
      .map((s) => s.Properties)
      .filter((schedule) => schedule.ScheduleExpression !== 'rate(1 hour)');
    expect(schedules).toHaveLength(2);
    const bySite = Object.fromEntries(
      schedules.map((schedule) => {
        const target = schedule.Target as { Input: string; RetryPolicy: unknown; DeadLetterConfig: unknown };
        return [JSON.parse(target.Input).site as string, { schedule, target }];
      }),
    );
    expect(bySite.acme?.schedule.ScheduleExpression).toBe('cron(0 2 * * ? *)');
    expect(bySite.acme?.schedule.ScheduleExpressionTimezone).toBe('Europe/Helsinki');
    expect(bySite.intranet?.schedule.ScheduleExpression).toBe('cron(30 3 ? * MON-FRI *)');
    for (const { target } of Object.values(bySite)) {
      // The execution gets the time the schedule was due: the run id (and so every key) derives from it.
      expect(JSON.parse(target.Input).scheduledAt).toBe('<aws.scheduler.scheduled-time>');
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21_600 });
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } });
    }
  });

  it('runs export → complete? → audit → evidence workbook → notify, retrying transient errors and catching every failure', () => {
    const machines = Object.values(stack.resources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(2);
    for (const machine of machines) {
      const parts = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })[
        'Fn::Join'
      ][1];
      const definition = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'x')).join(''));
      const states = definition.States;
      expect(definition.StartAt).toBe('StartRun');
      expect(states.StartRun.Next).toBe('ContinuesARun?');
      // Every slice runs in the chain the run's first execution named (or a continuing one handed on).
      expect(states.SameChain.Next).toBe('Export');
      expect(states.NewChain.Next).toBe('Export');
      expect(states.Export.Next).toBe('MoreToDo?');
      expect(states['MoreToDo?'].Default).toBe('ExportComplete?');
      expect(states.Export.Retry).toContainEqual(
        expect.objectContaining({ ErrorEquals: ['RollcallTransientError'], BackoffRate: 2, MaxAttempts: 3 }),
      );
      // Another execution of the same run holds its lease: look again after the lease's lifetime,
      // for as long as an export slice can run (3 × 5 minutes), then the catch notifies.
      expect(states.Export.Retry).toContainEqual({
        ErrorEquals: ['RollcallRunBusy'],
        IntervalSeconds: 300,
        BackoffRate: 1,
        MaxAttempts: 3,
      });
      expect(states.Export.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailed' },
      ]);
      expect(states.Audit.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailed' },
      ]);
      expect(states.Evidence.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailed' },
      ]);
      expect(states.Evidence.Retry).toContainEqual(
        expect.objectContaining({ ErrorEquals: expect.arrayContaining(['RollcallTransientError']) }),
      );
      expect(states['ExportComplete?'].Choices).toEqual([
        { Variable: '$.export.status', StringEquals: 'complete', Next: 'Audit' },
      ]);
      expect(states['ExportComplete?'].Default).toBe('NotifyIncomplete');
      expect(states.Audit.Next).toBe('Evidence');
      expect(states.Evidence.Next).toBe('NotifyComplete');
      expect(states.NotifyFailed.Next).toBe('RunFailed');
      expect(states.RunFailed.Type).toBe('Fail');
      expect(states.ExportIncomplete.Type).toBe('Fail');
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
      expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL' });
    }
  });

  it('runs each function on Node.js 24 on ARM64, with its own log group kept for the configured days', () => {
    const functions = Object.values(stack.resources('AWS::Lambda::Function'));
    // Per site: export, audit, evidence workbook and the freshness check.
    expect(functions).toHaveLength(8);
    const logGroups = stack.resources('AWS::Logs::LogGroup');
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      const isCheck = String(fn.Properties.Description).startsWith('rollcall: checks that site');
      expect(fn.Properties.Timeout).toBe(isCheck ? 60 : 900);
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logGroups[logGroup]?.Properties.RetentionInDays).toBe(180);
    }
    for (const logGroup of Object.values(logGroups)) expect(logGroup.Properties.RetentionInDays).toBe(180);
  });

  it('gives each function its own site and the archive as its store', () => {
    const environment = functionOf('rollcall: exports site intranet').Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(JSON.parse(environment.Variables.ROLLCALL_SITE as string)).toMatchObject({
      id: 'intranet',
      provider: 'lumapps',
      credentials: { secretId: INTRANET_SECRET },
    });
    expect(environment.Variables.ROLLCALL_STORE).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: archiveBucket().logicalId }, '/rollcall']],
    });
  });
});

describe('alarms', () => {
  function alarm(name: string) {
    const found = Object.values(stack.resources('AWS::CloudWatch::Alarm')).find(
      (candidate) => candidate.Properties.AlarmName === name,
    );
    if (!found) throw new Error(`no alarm ${name}`);
    return found.Properties;
  }
  const topicRef = () => ({ Ref: Object.keys(stack.resources('AWS::SNS::Topic'))[0] });

  it('has one freshness check per site, its window the schedule’s longest gap plus 10 hours', () => {
    // acme: daily 02:00 in Helsinki, 25 hours across the autumn change; intranet: MON-FRI, 72.
    const windows: Record<string, number> = { acme: (25 + 10) * 3600, intranet: (72 + 10) * 3600 };
    const checks = Object.values(stack.resources('AWS::Lambda::Function')).filter((fn) =>
      String(fn.Properties.Description).startsWith('rollcall: checks that site'),
    );
    expect(checks).toHaveLength(2);
    for (const [site, seconds] of Object.entries(windows)) {
      const check = checks.find(
        (fn) => fn.Properties.Description === `rollcall: checks that site ${site} has a recent snapshot`,
      );
      expect(check?.Properties.Environment).toMatchObject({
        Variables: expect.objectContaining({ ROLLCALL_FRESHNESS_WINDOW_SECONDS: String(seconds) }),
      });
      const overdue = alarm(`Rollcall-${site}-snapshot-overdue`);
      expect(overdue).toMatchObject({
        Namespace: 'Rollcall',
        MetricName: 'SnapshotOverdue',
        Dimensions: [
          { Name: 'service', Value: 'rollcall' },
          { Name: 'site', Value: site },
        ],
        Statistic: 'Maximum',
        Period: 3600,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'breaching',
      });
      expect(overdue.AlarmActions).toEqual([topicRef()]);
      expect(overdue.OKActions).toEqual([topicRef()]);
    }
    const hourly = Object.values(stack.resources('AWS::Scheduler::Schedule')).filter(
      (schedule) => schedule.Properties.ScheduleExpression === 'rate(1 hour)',
    );
    expect(hourly).toHaveLength(2);
  });

  it('alarms on a failed run, an incomplete export and a suspect mass change, all to the one topic', () => {
    for (const site of ['acme', 'intranet']) {
      expect(alarm(`Rollcall-${site}-export-incomplete`)).toMatchObject({
        MetricName: 'ExportComplete',
        Statistic: 'Minimum',
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        AlarmActions: [topicRef()],
      });
      expect(alarm(`Rollcall-${site}-mass-change-suspect`)).toMatchObject({
        MetricName: 'MassChangeSuspect',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        AlarmActions: [topicRef()],
      });
      const failed = alarm(`Rollcall-${site}-run-failed`);
      expect(JSON.stringify(failed.Metrics)).toContain('ExecutionsFailed');
      expect(JSON.stringify(failed.Metrics)).toContain('ExecutionsTimedOut');
      expect(failed.AlarmActions).toEqual([topicRef()]);
    }
    expect(alarm('Rollcall-schedule-dead-letters').AlarmActions).toEqual([topicRef()]);
  });

  it('sends them to an encrypted topic with the configured e-mail subscribed', () => {
    const [topic] = Object.values(stack.resources('AWS::SNS::Topic'));
    expect(topic?.Properties.KmsMasterKeyId).toBeDefined();
    stack.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform@acme.com',
    });
  });
});

describe('least privilege', () => {
  it('never grants S3, KMS or Secrets Manager actions on every resource', () => {
    const wide = identityStatements(stack).filter(
      ({ statement }) =>
        resourcesOf(statement).includes('*') &&
        actionsOf(statement).some((action) => /^(s3|kms|secretsmanager):/.test(action)),
    );
    expect(wide).toEqual([]);
  });

  it('lets each export function read only its own site’s secret', () => {
    const secretReads = (description: string) => {
      const role = (functionOf(description).Properties.Role as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
      return identityStatements(stack)
        .filter(({ roles }) => JSON.stringify(roles).includes(`"${role}"`))
        .filter(({ statement }) =>
          actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
        )
        .flatMap(({ statement }) => resourcesOf(statement).map((resource) => JSON.stringify(resource)));
    };
    const acme = secretReads('rollcall: exports site acme');
    expect(acme).toHaveLength(1);
    expect(acme[0]).toContain('secret:rollcall/acme-??????');
    expect(secretReads('rollcall: exports site intranet')).toEqual([
      JSON.stringify(INTRANET_SECRET),
      JSON.stringify(`${INTRANET_SECRET}-??????`),
    ]);
    expect(secretReads('rollcall: audits site acme')).toEqual([]);
  });

  it('lets a site’s functions reach only that site’s prefixes of the archive', () => {
    const role = (functionOf('rollcall: exports site acme').Properties.Role as { 'Fn::GetAtt': [string] })[
      'Fn::GetAtt'
    ][0];
    const objectResources = identityStatements(stack)
      .filter(({ roles }) => JSON.stringify(roles).includes(`"${role}"`))
      .filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('s3:')))
      .flatMap(({ statement }) => resourcesOf(statement).map((resource) => JSON.stringify(resource)));
    expect(objectResources.length).toBeGreaterThan(0);
    for (const resource of objectResources) {
      // Its snapshots, and its unfinished runs' leases under work/.
      if (resource.includes('/')) expect(resource).toMatch(/\/rollcall\/(snapshots|work)\/site=acme\/\*/);
    }
  });
});

describe('auditors and SQL', () => {
  it('grants reports and, as a separate policy, snapshots — read-only — to a role the configured principals assume', () => {
    const policies = Object.values(stack.resources('AWS::IAM::ManagedPolicy')).map((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument),
    );
    expect(policies).toHaveLength(2);
    expect(policies.find((policy) => policy.includes('/rollcall/reports/*'))).toBeDefined();
    expect(policies.find((policy) => policy.includes('/rollcall/snapshots/*'))).toContain(
      'athena:StartQueryExecution',
    );
    const archive = archiveBucket().logicalId;
    const onArchive = identityStatements(stack)
      .filter(({ policy }) => policy in stack.resources('AWS::IAM::ManagedPolicy'))
      .filter(({ statement }) => JSON.stringify(statement.Resource).includes(`"${archive}"`));
    expect(onArchive.length).toBeGreaterThan(0);
    for (const { statement } of onArchive) {
      expect(actionsOf(statement).every((action) => /^s3:(Get|List)/.test(action))).toBe(true);
    }
    stack.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws:iam::123456789012:role/auditor' } })],
      },
      ManagedPolicyArns: Match.arrayWith([{ Ref: Match.anyValue() }]),
    });
  });

  it('projects site and day partitions over the snapshots with no crawler, and encrypts query results', () => {
    expect(stack.resources('AWS::Glue::Crawler')).toEqual({});
    stack.template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'snapshot_lines',
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.site.values': 'acme,intranet',
          'projection.day.type': 'date',
          'storage.location.template': {
            'Fn::Join': [
              '',
              // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's partition placeholders, not a template
              ['s3://', { Ref: archiveBucket().logicalId }, '/rollcall/snapshots/site=${site}/date=${day}/'],
            ],
          },
        }),
      }),
    });
    stack.template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'snapshot_file_lines',
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.site.values': 'acme,intranet',
        }),
        StorageDescriptor: Match.objectLike({ Columns: [{ Name: 'line', Type: 'string' }] }),
      }),
    });
    interface ViewInput {
      readonly Name: string;
      readonly TableType: string;
      readonly ViewOriginalText?: string;
      readonly StorageDescriptor: { readonly Columns: readonly { readonly Name: string }[] };
    }
    const views = Object.values(stack.resources('AWS::Glue::Table'))
      .map((table) => (table as { Properties: { TableInput: ViewInput } }).Properties.TableInput)
      .filter((input) => input.TableType === 'VIRTUAL_VIEW');
    const viewColumns = (name: string) => {
      const input = views.find((candidate) => candidate.Name === name);
      const text = String(input?.ViewOriginalText ?? '');
      const presto = JSON.parse(
        Buffer.from(text.replace(/^\/\* Presto View: | \*\/$/g, ''), 'base64').toString(),
      );
      const glueColumns = input?.StorageDescriptor.Columns.map((column) => column.Name);
      // What Athena shows and what Glue lists must be the same columns.
      expect(presto.columns.map((column: { name: string }) => column.name)).toEqual(glueColumns);
      return { columns: glueColumns as string[], sql: String(presto.originalSql) };
    };
    expect(views.map((input) => input.Name).sort()).toEqual(['groups', 'memberships', 'runs', 'users']);
    // Every view carries the run's status, so a query can count only complete runs, each night once.
    for (const name of ['runs', 'users', 'groups', 'memberships'])
      expect(viewColumns(name).columns.slice(0, 5)).toEqual([
        'site',
        'day',
        'run_id',
        'run_status',
        'last_complete_of_day',
      ]);
    expect(viewColumns('runs').sql).toContain(`"$path" LIKE '%/manifest.json'`);
    // Group names come from the groups file of the same run, joined by key: right on every source.
    const memberships = viewColumns('memberships');
    expect(memberships.columns.slice(5)).toEqual(['user_key', 'user_email', 'group_key', 'group_name']);
    expect(memberships.sql).toContain('g.run_id = u.run_id AND g."key" = m.group_key');
    stack.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
        }),
      }),
    });
  });
});

describe('sizing', () => {
  const functionsDescribed = (pattern: RegExp) =>
    Object.values(stack.resources('AWS::Lambda::Function')).filter((fn) =>
      pattern.test(String(fn.Properties.Description)),
    );

  it('gives each export function the heap limits the export benchmark runs under, and /tmp for its sort', () => {
    const exports = functionsDescribed(/^rollcall: exports site /);
    expect(exports.length).toBeGreaterThan(0);
    for (const fn of exports) {
      expect(fn.Properties).toMatchObject({
        MemorySize: 1024,
        EphemeralStorage: { Size: 6144 },
        Environment: {
          Variables: expect.objectContaining({
            NODE_OPTIONS: `--enable-source-maps ${EXPORT_HEAP_FLAGS.join(' ')}`,
          }),
        },
      });
    }
  });

  it('gives each audit function 1,024 MB of memory and of /tmp', () => {
    const audits = functionsDescribed(/^rollcall: audits site /);
    expect(audits.length).toBeGreaterThan(0);
    for (const fn of audits) {
      expect(fn.Properties).toMatchObject({ MemorySize: 1024, EphemeralStorage: { Size: 1024 } });
    }
  });
});

describe('bundles', () => {
  it('bundles each function as one minified ESM file under 1.5 MB, with its source map, which Node.js uses', () => {
    for (const fn of Object.values(stack.resources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment).toMatchObject({
        Variables: expect.objectContaining({
          NODE_OPTIONS: expect.stringMatching(/^--enable-source-maps\b/),
        }),
      });
    }
    const bundles = stack.bundles();
    expect(bundles.length).toBeGreaterThanOrEqual(2);
    for (const bundle of bundles) {
      const code = bundle.files.find((file) => file.name === 'index.mjs');
      expect(code, bundle.path).toBeDefined();
      expect(code?.bytes).toBeLessThan(1.5 * 1024 * 1024);
      expect(bundle.files.map((file) => file.name)).toContain('index.mjs.map');
    }
  });

  it('loads as ES modules and answers a misconfigured invocation with a named error, not a crash', async () => {
    for (const bundle of stack.bundles()) {
      const module = await import(pathToFileURL(join(bundle.directory, 'index.mjs')).href);
      // No ROLLCALL_STORE or ROLLCALL_SITE here: the handler must still load and say what is missing.
      await expect(module.handler({}, lambdaContext)).rejects.toMatchObject({
        name: 'RollcallConfigError',
        message: expect.stringContaining('ROLLCALL_'),
      });
    }
  });
});

const lambdaContext = {
  functionName: 'rollcall-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:rollcall-test',
  memoryLimitInMB: '1024',
  awsRequestId: 'test-request',
  logGroupName: '/aws/lambda/rollcall-test',
  logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
};
