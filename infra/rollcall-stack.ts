import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RollcallConfig } from '../functions/config/schema.ts';
import { acknowledgeNag } from './acknowledge.ts';
import { archiveLocation } from './archive-location.ts';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { ArchiveBucket } from './constructs/archive-bucket.ts';
import { AuditorAccess } from './constructs/auditor-access.ts';
import { SiteBackup } from './constructs/site-backup.ts';
import { storeUri } from './constructs/site-grants.ts';
import { SnapshotQueries } from './constructs/snapshot-queries.ts';

export interface RollcallStackProps extends StackProps {
  /** The validated `rollcall.config.json`: the same file the CLI reads. */
  readonly config: RollcallConfig;
}

/** rollcall in one AWS account: the archive, one nightly run per site, alarms, auditor access, SQL. */
export class RollcallStack extends Stack {
  readonly archive: ArchiveBucket;
  readonly alarms: AlarmTopic;
  readonly sites: readonly SiteBackup[];
  readonly queries: SnapshotQueries;
  readonly auditors: AuditorAccess;

  constructor(scope: Construct, id: string, props: RollcallStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { deployment } = config;
    const location = archiveLocation(config);
    const logRetention = deployment.logRetentionDays as logs.RetentionDays;

    this.archive = new ArchiveBucket(this, 'Archive', {
      ...(location.bucketName === undefined ? {} : { bucketName: location.bucketName }),
      archive: deployment.archive,
      keyPrefix: location.keyPrefix,
    });
    this.alarms = new AlarmTopic(
      this,
      'Alarms',
      deployment.alarmEmail === undefined ? {} : { email: deployment.alarmEmail },
    );

    const deadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      // SQS's maximum: an undelivered start outlives a holiday, not just a long weekend.
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledgeNag(
      deadLetters,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the schedules; its messages raise an alarm.',
    );
    new cloudwatch.Alarm(this, 'ScheduleDeadLettersAlarm', {
      alarmName: `${this.stackName}-schedule-dead-letters`,
      alarmDescription:
        'rollcall: EventBridge Scheduler could not start a run after its retries. The message in the dead-letter queue names the schedule and the error (usually the scheduler role or a deleted state machine).',
      metric: deadLetters.metricApproximateNumberOfMessagesVisible(),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new actions.SnsAction(this.alarms.topic));

    this.sites = config.sites.map(
      (site) =>
        new SiteBackup(this, `Site-${site.id}`, {
          site,
          bucket: this.archive.bucket,
          key: this.archive.key,
          keyPrefix: location.keyPrefix,
          topic: this.alarms.topic,
          deadLetterQueue: deadLetters,
          logRetention,
        }),
    );

    this.queries = new SnapshotQueries(this, 'Queries', {
      bucket: this.archive.bucket,
      key: this.archive.key,
      keyPrefix: location.keyPrefix,
      siteIds: config.sites.map((site) => site.id),
      accessLogs: this.archive.accessLogs,
    });

    this.auditors = new AuditorAccess(this, 'Auditors', {
      bucket: this.archive.bucket,
      key: this.archive.key,
      keyPrefix: location.keyPrefix,
      includeSnapshots: deployment.auditors.includeSnapshots,
      queries: this.queries,
      trustedPrincipals: deployment.auditors.trustedPrincipals,
    });

    new CfnOutput(this, 'Store', {
      description: 'The store URI for the rollcall CLI (history, restore, share) against this archive',
      value: storeUri(this.archive.bucket, location.keyPrefix),
    });
    for (const site of this.sites) {
      new CfnOutput(this, `RunStateMachine-${site.siteId}`, {
        description: `Start a run of site ${site.siteId} by hand: input {"site": "${site.siteId}", "scheduledAt": "<ISO time>"}`,
        value: site.run.stateMachine.stateMachineArn,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'AuditorReportsPolicyArn', { value: this.auditors.reportsPolicy.managedPolicyArn });
    if (this.auditors.role) new CfnOutput(this, 'AuditorRoleArn', { value: this.auditors.role.roleArn });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.queries.workGroupName });
    new CfnOutput(this, 'AthenaDatabase', { value: this.queries.databaseName });
  }
}
