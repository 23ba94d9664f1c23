import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { SiteConfig } from '../../functions/config/schema.ts';
import { longestGap } from '../../functions/freshness/schedule-gaps.ts';
import {
  FRESHNESS_WINDOW_VARIABLE,
  METRICS_NAMESPACE,
  metricNames,
  SERVICE_NAME,
  SITE_VARIABLE,
  STORE_VARIABLE,
  WATCHING_SINCE_VARIABLE,
} from '../../functions/lambda/contract.ts';
import { latestPointerKey } from '../../functions/snapshot/layout.ts';
import { acknowledgeWildcard } from '../acknowledge.ts';
import { RollcallFunction } from './rollcall-function.ts';
import { storeUri } from './site-grants.ts';

export interface FreshnessCheckProps {
  readonly site: SiteConfig;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** rollcall's key prefix in the bucket: empty or ending with `/`. */
  readonly keyPrefix: string;
  readonly topic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /**
   * How late a complete snapshot may land after its scheduled time: the time Scheduler may take
   * to start the run plus the run's own time limit. Added to the schedule's longest gap.
   */
  readonly grace: Duration;
  /** When the check starts watching (default: now, the time of synth). */
  readonly watchingSince?: Date;
}

/**
 * The alarm that fires when a site's backup silently stops: an hourly check reads the site's
 * latest.json and emits SnapshotOverdue when the newest complete snapshot is older than the
 * site's own window — its schedule's longest gap (a weekend for MON-FRI, a week for a weekly
 * run, in the site's time zone) plus the grace. CloudWatch alarms look back a day at most, so a
 * metric of "no export today" cannot express a weekly schedule; this check can.
 */
export class FreshnessCheck extends Construct {
  readonly function: RollcallFunction;
  readonly alarm: cloudwatch.Alarm;
  readonly schedule: scheduler.Schedule;
  /** The schedule's longest gap plus the grace. */
  readonly window: Duration;

  constructor(scope: Construct, id: string, props: FreshnessCheckProps) {
    super(scope, id);
    const { site } = props;
    const watchingSince = props.watchingSince ?? new Date();
    const gapMs = longestGap(site.schedule, site.timezone, watchingSince);
    this.window = Duration.seconds(Math.ceil(gapMs / 1000) + props.grace.toSeconds());

    this.function = new RollcallFunction(this, 'Lambda', {
      entry: 'functions/freshness/handler.ts',
      description: `rollcall: checks that site ${site.id} has a recent snapshot`,
      environment: {
        [STORE_VARIABLE]: storeUri(props.bucket, props.keyPrefix),
        [SITE_VARIABLE]: JSON.stringify({
          id: site.id,
          provider: site.provider,
          credentials: site.credentials,
        }),
        [FRESHNESS_WINDOW_VARIABLE]: String(this.window.toSeconds()),
        [WATCHING_SINCE_VARIABLE]: watchingSince.toISOString(),
      },
      memorySize: 256,
      timeout: Duration.minutes(1),
      logRetention: props.logRetention,
    });
    const latest = `${props.keyPrefix}${latestPointerKey(site.id)}`;
    const { role } = this.function;
    // One object, read only. Listing exactly that key lets a missing latest.json answer 404.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects(latest)] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringEquals: { 's3:prefix': latest } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.key.keyArn] }),
    );

    const invoker = new iam.Role(this, 'SchedulerRole', {
      description: `rollcall: starts the hourly freshness check of site ${site.id}`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    acknowledgeWildcard(
      invoker,
      this.function.function,
      ':*',
      "Scheduler's Lambda target grants the function's versions and aliases too; it invokes this one function only.",
    );
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `rollcall: hourly freshness check of site ${site.id}`,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new targets.LambdaInvoke(this.function.function, { retryAttempts: 2, role: invoker }),
    });

    const hour = Duration.hours(1);
    this.alarm = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: metricNames.snapshotOverdue,
      dimensionsMap: { service: SERVICE_NAME, site: site.id },
      statistic: 'Maximum',
      period: hour,
    }).createAlarm(this, 'Alarm', {
      alarmName: `${Stack.of(this).stackName}-${site.id}-snapshot-overdue`,
      alarmDescription: `rollcall site ${site.id}: no complete snapshot within ${this.window.toHours({ integral: false }).toFixed(1)} hours (the longest gap of ${site.schedule} in ${site.timezone}, plus ${props.grace.toHours()} hours for a run to start and finish), or the hourly check itself stopped. Either runs fail (see the other alarms) or none ran: check that the schedule is enabled, its dead-letter queue, and the state machine's executions.`,
      threshold: 1,
      // Two of three hours: one check that ran a little late does not page anyone.
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const toTopic = new actions.SnsAction(props.topic);
    this.alarm.addAlarmAction(toTopic);
    this.alarm.addOkAction(toTopic);
  }
}
