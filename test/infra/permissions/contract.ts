/**
 * The permission contract: for every principal the stack creates, the calls it must be able to
 * make and the calls it must never make, as resolved ARNs. Calls that come from the handlers'
 * code are the ones the handler tests recorded (recorded-calls.json); the rest are what AWS
 * documents each service needs (Step Functions' log delivery and X-Ray, Scheduler's start and
 * dead-letter queue, CloudWatch's alarm actions) and what auditors are given.
 */
import type { Call } from './evaluate.ts';
import { committedCalls } from './recorded-calls.ts';
import type { Principal, TemplatePolicies } from './template-policies.ts';

export interface ContractEntry extends Call {
  /** Who, in words: `site acme's export function`. */
  readonly who: string;
  readonly must: 'allow' | 'deny';
  /** Logical id of the role or managed policy, so every principal can be shown covered. */
  readonly principalId?: string;
}

export interface ContractInputs {
  readonly policies: TemplatePolicies;
  readonly siteIds: readonly string[];
  /** rollcall's key prefix in the archive: empty or ending with `/`. */
  readonly keyPrefix: string;
  /** The secret ARN each site's export reads (a name gets Secrets Manager's random suffix). */
  readonly secretArnOf: (siteId: string) => string;
}

const DAY = '2026-11-22';

/** Each site function's description in the stack, which names it. */
const functionDescriptions = {
  export: (site: string) => `rollcall: exports site ${site}`,
  audit: (site: string) => `rollcall: audits site ${site}`,
  evidence: (site: string) => `rollcall: writes the evidence workbook of site ${site}`,
} as const;
const RUN = '20261122T020000Z';

function functionRole(policies: TemplatePolicies, description: string): { id: string; fn: string } {
  for (const fn of policies.logicalIds('AWS::Lambda::Function')) {
    const properties = policies.properties(fn) ?? {};
    if (properties.Description === description) {
      const [id] = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      return { id, fn };
    }
  }
  throw new Error(`no function "${description}"`);
}

/** The ARN of the one resource of `type` whose properties mention `text`. */
function arnOf(policies: TemplatePolicies, type: string, text: string): string {
  const found = policies
    .logicalIds(type)
    .filter((id) => JSON.stringify(policies.properties(id)).includes(text));
  if (found.length !== 1)
    throw new Error(`expected one ${type} that mentions ${text}, found ${found.length}`);
  return policies.arn(found[0] as string);
}

/** A log stream in the function's own log group, where the runtime writes its logs. */
function logStreamOf(policies: TemplatePolicies, fn: string): string {
  const logGroup = (policies.properties(fn).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
  return policies.arn(logGroup).replace(/:\*$/, ':log-stream:2026/11/22/[$LATEST]abc');
}

function roleOf(reference: unknown): string {
  const getAtt = (reference as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (!getAtt) throw new Error(`not a role reference: ${JSON.stringify(reference)}`);
  return getAtt[0];
}

export function permissionContract(inputs: ContractInputs): ContractEntry[] {
  const { policies, siteIds, keyPrefix } = inputs;
  const entries: ContractEntry[] = [];
  const bucket = arnOf(policies, 'AWS::S3::Bucket', '"LogFilePrefix":"archive/"');
  const archiveKey = arnOf(policies, 'AWS::KMS::Key', 'the archive');
  const [topicId] = policies.logicalIds('AWS::SNS::Topic');
  const topic = policies.arn(topicId as string);
  const alarmKey = arnOf(policies, 'AWS::KMS::Key', 'notifications');
  const [queueId] = policies.logicalIds('AWS::SQS::Queue');
  const deadLetters = policies.arn(queueId as string);
  const object = (key: string) => `${bucket}/${keyPrefix}${key}`;
  const concrete = (pattern: string, site: string) =>
    pattern
      .replaceAll('{site}', site)
      .replaceAll('{date}', DAY)
      .replaceAll('{run}', RUN)
      .replaceAll('{n}', '000001');
  const add = (
    who: string,
    principalId: string,
    principal: Principal,
    must: 'allow' | 'deny',
    action: string,
    resource: string,
    context?: Record<string, string>,
  ) => entries.push({ who, principalId, principal, must, action, resource, ...(context ? { context } : {}) });

  const recorded = committedCalls();
  const machineOf: Record<string, string> = {};
  const functionsOf: Record<string, string[]> = {};
  for (const site of siteIds) {
    const other = siteIds.find((id) => id !== site) ?? 'another-site';
    for (const kind of ['export', 'audit', 'evidence'] as const) {
      const { id, fn } = functionRole(policies, functionDescriptions[kind](site));
      functionsOf[site] = [...(functionsOf[site] ?? []), policies.arn(fn)];
      const role = policies.roles[id] as Principal;
      const who = `site ${site}'s ${kind} function`;
      const stream = logStreamOf(policies, fn);
      add(who, id, role, 'allow', 'logs:CreateLogStream', stream);
      add(who, id, role, 'allow', 'logs:PutLogEvents', stream);
      for (const call of recorded.filter((entry) => entry.function === kind)) {
        if (call.action === 'secretsmanager:GetSecretValue') {
          add(who, id, role, 'allow', call.action, inputs.secretArnOf(site));
          continue;
        }
        if (call.action === 's3:ListBucket') {
          add(who, id, role, 'allow', call.action, bucket, {
            's3:prefix': `${keyPrefix}${concrete(call.resource, site)}`,
          });
        } else {
          add(who, id, role, 'allow', call.action, object(concrete(call.resource, site)));
        }
        for (const kmsAction of call.kms) add(who, id, role, 'allow', kmsAction, archiveKey);
        if (call.action === 's3:GetObject') {
          // A key that does not exist yet (the first latest.json) must answer 404, not 403:
          // S3 tells the two apart only for a caller allowed to list where the key would be.
          add(who, id, role, 'allow', 's3:ListBucket', bucket, {
            's3:prefix': `${keyPrefix}${concrete(call.resource, site)}`,
          });
        }
        if (call.action === 's3:PutObject') {
          // The SDK's multipart Upload aborts what it started when a part fails.
          add(who, id, role, 'allow', 's3:AbortMultipartUpload', object(concrete(call.resource, site)));
        }
      }
      // Never another site's data or secret, never a deleted snapshot.
      add(who, id, role, 'deny', 'secretsmanager:GetSecretValue', inputs.secretArnOf(other));
      add(who, id, role, 'deny', 's3:GetObject', object(`snapshots/site=${other}/latest.json`));
      add(who, id, role, 'deny', 's3:PutObject', object(`snapshots/site=${other}/latest.json`));
      add(
        who,
        id,
        role,
        'deny',
        's3:PutObject',
        object(`reports/site=${other}/date=${DAY}/run=${RUN}/summary.json`),
      );
      add(who, id, role, 'deny', 's3:ListBucket', bucket, {
        's3:prefix': `${keyPrefix}snapshots/site=${other}/`,
      });
      add(
        who,
        id,
        role,
        'deny',
        's3:DeleteObject',
        object(`snapshots/site=${site}/date=${DAY}/run=${RUN}/users.csv`),
      );
      add(who, id, role, 'deny', 's3:DeleteObjectVersion', object(`snapshots/site=${site}/latest.json`));
      add(who, id, role, 'deny', 's3:PutBucketPolicy', bucket);
      add(who, id, role, 'deny', 's3:PutLifecycleConfiguration', bucket);
      if (kind === 'export') {
        // The export writes snapshots, never the reports an auditor relies on.
        add(
          who,
          id,
          role,
          'deny',
          's3:PutObject',
          object(`reports/site=${site}/date=${DAY}/run=${RUN}/summary.json`),
        );
      } else {
        // The audit and its workbook hold no secret and cannot change the evidence they report on.
        add(who, id, role, 'deny', 'secretsmanager:GetSecretValue', inputs.secretArnOf(site));
        add(who, id, role, 'deny', 's3:PutObject', object(`snapshots/site=${site}/latest.json`));
        add(
          who,
          id,
          role,
          'deny',
          's3:PutObject',
          object(`snapshots/site=${site}/date=${DAY}/run=${RUN}/users.csv`),
        );
      }
    }
  }

  const checksOf: Record<string, string> = {};
  for (const site of siteIds) {
    const other = siteIds.find((id) => id !== site) ?? 'another-site';
    const { id, fn } = functionRole(policies, `rollcall: checks that site ${site} has a recent snapshot`);
    checksOf[site] = policies.arn(fn);
    const role = policies.roles[id] as Principal;
    const who = `site ${site}'s freshness check`;
    const stream = logStreamOf(policies, fn);
    const latest = `snapshots/site=${site}/latest.json`;
    add(who, id, role, 'allow', 'logs:CreateLogStream', stream);
    add(who, id, role, 'allow', 'logs:PutLogEvents', stream);
    add(who, id, role, 'allow', 's3:GetObject', object(latest));
    add(who, id, role, 'allow', 'kms:Decrypt', archiveKey);
    add(who, id, role, 'allow', 's3:ListBucket', bucket, { 's3:prefix': `${keyPrefix}${latest}` });
    // It reads one pointer: no snapshot content, no other site, no writes, no secret.
    add(
      who,
      id,
      role,
      'deny',
      's3:GetObject',
      object(`snapshots/site=${site}/date=${DAY}/run=${RUN}/users.csv`),
    );
    add(who, id, role, 'deny', 's3:GetObject', object(`snapshots/site=${other}/latest.json`));
    add(who, id, role, 'deny', 's3:PutObject', object(latest));
    add(who, id, role, 'deny', 's3:DeleteObject', object(latest));
    add(who, id, role, 'deny', 's3:ListBucket', bucket, {
      's3:prefix': `${keyPrefix}snapshots/site=${site}/`,
    });
    add(who, id, role, 'deny', 'secretsmanager:GetSecretValue', inputs.secretArnOf(site));
  }

  for (const machine of policies.logicalIds('AWS::StepFunctions::StateMachine')) {
    const properties = policies.properties(machine) ?? {};
    const site = siteIds.find((id) =>
      String(properties.DefinitionString ? JSON.stringify(properties.DefinitionString) : '').includes(
        `rollcall ${id}:`,
      ),
    );
    if (!site) throw new Error(`state machine ${machine} names no site`);
    machineOf[site] = policies.arn(machine);
    const id = roleOf(properties.RoleArn);
    const role = policies.roles[id] as Principal;
    const who = `site ${site}'s state machine`;
    for (const fn of functionsOf[site] ?? []) add(who, id, role, 'allow', 'lambda:InvokeFunction', fn);
    add(who, id, role, 'allow', 'sns:Publish', topic);
    // Publishing to an SSE-KMS topic: SNS makes a data key and the publisher must be allowed it.
    add(who, id, role, 'allow', 'kms:GenerateDataKey', alarmKey);
    add(who, id, role, 'allow', 'kms:Decrypt', alarmKey);
    // What Step Functions documents for execution logs to CloudWatch Logs and for X-Ray tracing.
    for (const action of [
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]) {
      add(who, id, role, 'allow', action, '*');
    }
    for (const [otherSite, fns] of Object.entries(functionsOf)) {
      if (otherSite !== site) for (const fn of fns) add(who, id, role, 'deny', 'lambda:InvokeFunction', fn);
    }
    // A long export continues in a new execution of the same state machine, and of no other.
    add(who, id, role, 'allow', 'states:StartExecution', machineOf[site]);
    add(who, id, role, 'deny', 's3:GetObject', object(`snapshots/site=${site}/latest.json`));
    add(who, id, role, 'deny', 's3:DeleteObject', object(`snapshots/site=${site}/latest.json`));
  }
  for (const [site, machine] of Object.entries(machineOf)) {
    const properties = policies.properties(
      policies.logicalIds('AWS::StepFunctions::StateMachine').find((id) => policies.arn(id) === machine) ??
        '',
    );
    const id = roleOf(properties.RoleArn);
    for (const [otherSite, other] of Object.entries(machineOf)) {
      if (otherSite !== site)
        add(
          `site ${site}'s state machine`,
          id,
          policies.roles[id] as Principal,
          'deny',
          'states:StartExecution',
          other,
        );
    }
  }

  for (const schedule of policies.logicalIds('AWS::Scheduler::Schedule')) {
    const target = policies.properties(schedule).Target as {
      Arn: { Ref?: string };
      RoleArn: unknown;
    };
    const id = roleOf(target.RoleArn);
    const role = policies.roles[id] as Principal;
    const targetArn =
      target.Arn.Ref === undefined ? String(policies.resolve(target.Arn)) : policies.arn(target.Arn.Ref);
    const checked = Object.entries(checksOf).find(([, arn]) => arn === targetArn)?.[0];
    if (checked) {
      const who = `site ${checked}'s hourly freshness schedule`;
      add(who, id, role, 'allow', 'lambda:InvokeFunction', targetArn);
      for (const fn of functionsOf[checked] ?? []) add(who, id, role, 'deny', 'lambda:InvokeFunction', fn);
      continue;
    }
    const site = Object.entries(machineOf).find(([, arn]) => arn === targetArn)?.[0];
    if (!site) throw new Error(`schedule ${schedule} starts neither a run nor a freshness check`);
    const who = `site ${site}'s schedule`;
    add(who, id, role, 'allow', 'states:StartExecution', targetArn);
    add(who, id, role, 'allow', 'sqs:SendMessage', deadLetters);
    for (const [otherSite, arn] of Object.entries(machineOf)) {
      if (otherSite !== site) add(who, id, role, 'deny', 'states:StartExecution', arn);
    }
    add(who, id, role, 'deny', 's3:DeleteObject', object(`snapshots/site=${site}/latest.json`));
  }

  for (const [id, holder] of Object.entries(policies.managedPolicies)) {
    const description = String(policies.properties(id).Description);
    const area = description.includes('snapshots') ? 'snapshots' : 'reports';
    const who = `the auditors' ${area} policy`;
    const site = siteIds[0] as string;
    const sample =
      area === 'reports'
        ? `reports/site=${site}/date=${DAY}/run=${RUN}/report.html`
        : `snapshots/site=${site}/date=${DAY}/run=${RUN}/users.csv`;
    add(who, id, holder, 'allow', 's3:ListBucket', bucket, {
      's3:prefix': `${keyPrefix}${area}/site=${site}/`,
    });
    add(who, id, holder, 'allow', 's3:GetObject', object(sample));
    add(who, id, holder, 'allow', 's3:GetObjectVersion', object(sample));
    add(who, id, holder, 'allow', 'kms:Decrypt', archiveKey);
    // Read-only: an auditor changes and deletes nothing, and reads no secret.
    add(who, id, holder, 'deny', 's3:PutObject', object(sample));
    add(who, id, holder, 'deny', 's3:DeleteObject', object(sample));
    add(who, id, holder, 'deny', 's3:DeleteObjectVersion', object(`snapshots/site=${site}/latest.json`));
    add(who, id, holder, 'deny', 's3:PutObject', object(`snapshots/site=${site}/latest.json`));
    add(who, id, holder, 'deny', 'secretsmanager:GetSecretValue', inputs.secretArnOf(site));
    if (area === 'reports') {
      add(who, id, holder, 'deny', 's3:GetObject', object(`snapshots/site=${site}/latest.json`));
    } else {
      const results = arnOf(policies, 'AWS::S3::Bucket', '"LogFilePrefix":"query-results/"');
      const workGroup = `arn:aws:athena:eu-west-1:123456789012:workgroup/${String(
        (
          policies.properties(policies.logicalIds('AWS::Athena::WorkGroup')[0] as string) as {
            Name: string;
          }
        ).Name,
      )}`;
      const database = String(
        (
          policies.properties(policies.logicalIds('AWS::Glue::Database')[0] as string) as {
            DatabaseInput: { Name: string };
          }
        ).DatabaseInput.Name,
      );
      for (const action of [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
      ]) {
        add(who, id, holder, 'allow', action, workGroup);
      }
      const glue = 'arn:aws:glue:eu-west-1:123456789012';
      // Glue authorises a table read on the catalog, the database and the table alike.
      for (const action of [
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartition',
        'glue:GetPartitions',
      ]) {
        add(who, id, holder, 'allow', action, `${glue}:catalog`);
        add(who, id, holder, 'allow', action, `${glue}:database/${database}`);
        if (action !== 'glue:GetDatabase')
          add(who, id, holder, 'allow', action, `${glue}:table/${database}/users`);
      }
      add(who, id, holder, 'allow', 's3:GetBucketLocation', results);
      add(who, id, holder, 'allow', 's3:ListBucket', results);
      for (const action of ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload']) {
        add(who, id, holder, 'allow', action, `${results}/query-1.csv`);
      }
      // Athena writes encrypted results with the archive's key on the auditor's behalf.
      add(who, id, holder, 'allow', 'kms:GenerateDataKey', archiveKey);
    }
  }

  // CloudWatch publishes each alarm to the encrypted topic as the CloudWatch service.
  const alarm = {
    'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:Rollcall-acme-run-failed',
  };
  const cloudwatch = { service: 'cloudwatch.amazonaws.com' };
  for (const [action, resource] of [
    ['sns:Publish', topic],
    ['kms:GenerateDataKey', alarmKey],
    ['kms:Decrypt', alarmKey],
  ] as const) {
    entries.push({
      who: 'CloudWatch alarms',
      principal: cloudwatch,
      must: 'allow',
      action,
      resource,
      context: alarm,
    });
    entries.push({
      who: "another account's CloudWatch alarms",
      principal: cloudwatch,
      must: 'deny',
      action,
      resource,
      context: {
        'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:210987654321:alarm:x',
        'aws:SourceAccount': '210987654321',
      },
    });
  }
  return entries;
}
