import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { errorNames } from '../../functions/lambda/contract.ts';
import { acknowledgeNag, acknowledgeWildcard } from '../acknowledge.ts';
import { ExportSliceLoop, runStateMachineName, SLICES_PER_EXECUTION } from './export-slices.ts';

/**
 * The longest one execution (its slices of the export, the audit, notify) may take before Step
 * Functions ends it: SLICES_PER_EXECUTION slices of at most 15 minutes (3 hours), the audit's 15
 * minutes, and 45 minutes for retries' waits. A longer export continues in a new execution,
 * which has its own limit.
 */
export const RUN_TIME_LIMIT = Duration.minutes(SLICES_PER_EXECUTION * 15 + 15 + 45);

export interface SiteRunProps {
  readonly siteId: string;
  readonly exportFunction: lambda.IFunction;
  readonly auditFunction: lambda.IFunction;
  /** Writes evidence.xlsx of the audited run (exceljs does not fit in the audit's bundle). */
  readonly evidenceFunction: lambda.IFunction;
  /** Receives the outcome of every run: complete, incomplete or failed. */
  readonly topic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
}

/**
 * How long an execution that found another one writing the same run waits before it looks again:
 * a run's lease lives 5 minutes unrenewed, and an export slice at most 15 minutes (3 waits).
 */
const BUSY_RUN_WAIT = Duration.minutes(5);

/** Errors a retry can cure: the site or the archive was unreachable or overloaded for a while. */
const TRANSIENT_ERRORS = [errorNames.transient];

/** What Lambda reports when it stopped a function at its timeout. */
const SLICE_TIMED_OUT = 'Sandbox.Timedout';

/** Lambda's own passing failures (throttling, service errors), retried for every step. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
];

/**
 * One night's run of one site, as a state machine: export slices (until the export ends) →
 * (complete?) → audit → evidence workbook → notify. Transient errors are retried with backoff,
 * per slice; any failure is caught, notified, and ends the execution as failed. The input is
 * `{ site, scheduledAt }`; the run id derives from the scheduled time, so a retried execution
 * writes the same keys, and a new execution with the same input resumes the run's export from
 * its checkpoint.
 */
export class SiteRun extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: SiteRunProps) {
    super(scope, id);
    const { siteId, topic } = props;
    const stateMachineName = runStateMachineName(this, siteId);
    const notify = (stepId: string, subject: string, message: Record<string, unknown>) =>
      new tasks.SnsPublish(this, stepId, {
        topic,
        subject,
        message: sfn.TaskInput.fromObject(message),
        resultPath: sfn.JsonPath.DISCARD,
      });

    const failed = notify('NotifyFailed', `rollcall ${siteId}: run FAILED`, {
      site: siteId,
      outcome: 'failed',
      scheduledAt: sfn.JsonPath.stringAt('$.scheduledAt'),
      error: sfn.JsonPath.objectAt('$.error'),
    }).next(
      new sfn.Fail(this, 'RunFailed', { error: 'RunFailed', cause: 'see the notification and the logs' }),
    );

    const exportStep = new tasks.LambdaInvoke(this, 'Export', {
      lambdaFunction: props.exportFunction,
      payload: sfn.TaskInput.fromObject({
        site: sfn.JsonPath.stringAt('$.site'),
        scheduledAt: sfn.JsonPath.stringAt('$.scheduledAt'),
        // The chain of slices this execution continues (ExportSliceLoop sets it).
        holder: sfn.JsonPath.stringAt('$.chain.holder'),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.export',
    });
    exportStep.addRetry({
      errors: TRANSIENT_ERRORS,
      interval: Duration.minutes(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // Two executions of one run (a Scheduler redelivery, a Step Functions retry, a manual start)
    // never write it together: the second meets the run's lease and comes back once the first is
    // done, when the run is complete and the export a no-op.
    exportStep.addRetry({
      errors: [errorNames.runBusy],
      interval: BUSY_RUN_WAIT,
      backoffRate: 1,
      maxAttempts: 3,
    });
    // A slice Lambda stopped at its 15 minutes (the last slice's snapshot write outlasted the
    // margin) is resumed from its last durable part by a fresh invocation with the whole budget.
    exportStep.addRetry({
      errors: [SLICE_TIMED_OUT],
      interval: Duration.seconds(5),
      maxAttempts: 2,
    });
    exportStep.addRetry({
      errors: LAMBDA_SERVICE_ERRORS,
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: sfn.JitterType.FULL,
    });
    exportStep.addCatch(failed, { resultPath: '$.error' });

    const auditStep = new tasks.LambdaInvoke(this, 'Audit', {
      lambdaFunction: props.auditFunction,
      payload: sfn.TaskInput.fromObject({
        site: sfn.JsonPath.stringAt('$.export.site'),
        runId: sfn.JsonPath.stringAt('$.export.runId'),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.audit',
    });
    auditStep.addRetry({
      errors: [...TRANSIENT_ERRORS, ...LAMBDA_SERVICE_ERRORS],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    auditStep.addCatch(failed, { resultPath: '$.error' });

    const evidenceStep = new tasks.LambdaInvoke(this, 'Evidence', {
      lambdaFunction: props.evidenceFunction,
      payload: sfn.TaskInput.fromObject({
        site: sfn.JsonPath.stringAt('$.audit.site'),
        runId: sfn.JsonPath.stringAt('$.audit.runId'),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.evidence',
    });
    evidenceStep.addRetry({
      errors: [...TRANSIENT_ERRORS, ...LAMBDA_SERVICE_ERRORS],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    evidenceStep.addCatch(failed, { resultPath: '$.error' });

    const incomplete = notify('NotifyIncomplete', `rollcall ${siteId}: export INCOMPLETE`, {
      site: siteId,
      outcome: 'incomplete',
      export: sfn.JsonPath.objectAt('$.export'),
    }).next(
      new sfn.Fail(this, 'ExportIncomplete', {
        error: 'ExportIncomplete',
        cause: 'the export did not reach the end of every listing; latest.json did not move',
      }),
    );

    const done = notify('NotifyComplete', `rollcall ${siteId}: run complete`, {
      site: siteId,
      outcome: 'complete',
      export: sfn.JsonPath.objectAt('$.export'),
      audit: sfn.JsonPath.objectAt('$.audit'),
      evidence: sfn.JsonPath.objectAt('$.evidence'),
    }).next(new sfn.Succeed(this, 'Done'));

    const finished = new sfn.Choice(this, 'ExportComplete?')
      .when(
        sfn.Condition.stringEquals('$.export.status', 'complete'),
        auditStep.next(evidenceStep).next(done),
      )
      .otherwise(incomplete);
    const definition = new ExportSliceLoop(this, {
      exportStep,
      stateMachineName,
      whenFinished: finished,
      failed,
    }).start;

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      comment: `rollcall: one run of site ${siteId}`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: RUN_TIME_LIMIT,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: props.logRetention }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });
    // The task's own grant is sns:Publish only; the topic is encrypted, so publishing also needs
    // the key (grantPublish adds kms:GenerateDataKey* and kms:Decrypt on it).
    topic.grantPublish(this.stateMachine);
    const role = this.stateMachine.role;
    acknowledgeNag(
      role,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      "SNS asks for the data-key variant it needs when it encrypts a message on the publisher's behalf; AWS documents the grant as kms:GenerateDataKey*, on the topic's key only.",
    );
    for (const fn of [props.exportFunction, props.auditFunction, props.evidenceFunction]) {
      acknowledgeWildcard(
        role,
        fn,
        ':*',
        'Step Functions invokes the function by its unqualified ARN; the generated grant also covers its versions and aliases, of this one function only.',
      );
    }
    acknowledgeNag(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray trace segments and CloudWatch Logs delivery for the execution log have no resource-level permissions.',
    );
  }
}
