import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, metricNames, SERVICE_NAME } from '../../functions/lambda/contract.ts';

export interface SiteAlarmsProps {
  readonly siteId: string;
  readonly stateMachine: sfn.IStateMachine;
  readonly topic: sns.ITopic;
}

/**
 * What pages someone about one run of a site: a failed run, an incomplete export, a suspect
 * mass change. A schedule that silently stops produces none of these: FreshnessCheck covers it.
 */
export class SiteAlarms extends Construct {
  readonly runFailed: cloudwatch.Alarm;
  readonly exportIncomplete: cloudwatch.Alarm;
  readonly massChangeSuspect: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SiteAlarmsProps) {
    super(scope, id);
    const { siteId, stateMachine } = props;
    const name = (suffix: string) => `${Stack.of(this).stackName}-${siteId}-${suffix}`;
    const siteMetric = (metricName: string, statistic: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        // Powertools adds the service to every metric's dimensions.
        dimensionsMap: { service: SERVICE_NAME, site: siteId },
        statistic,
        period,
      });

    const hour = Duration.hours(1);
    this.runFailed = new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
      usingMetrics: {
        failed: stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
        timedOut: stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
        aborted: stateMachine.metricAborted({ period: Duration.minutes(5), statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
    }).createAlarm(this, 'RunFailed', {
      alarmName: name('run-failed'),
      alarmDescription: `rollcall site ${siteId}: a run failed, timed out or was aborted. Open the failed execution in Step Functions; the notification names the error. Fix the cause (credentials, site reachability, permissions), then start the execution again with the same input: it writes the same keys.`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.exportIncomplete = siteMetric(metricNames.exportComplete, 'Minimum', hour).createAlarm(
      this,
      'ExportIncomplete',
      {
        alarmName: name('export-incomplete'),
        alarmDescription: `rollcall site ${siteId}: an export did not finish completely, so latest.json did not move and last night's copy is not a backup. The run's manifest.json says why (reason, pages, reported totals). Re-run once the site answers normally.`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );

    this.massChangeSuspect = siteMetric(metricNames.massChangeSuspect, 'Maximum', hour).createAlarm(
      this,
      'MassChangeSuspect',
      {
        alarmName: name('mass-change-suspect'),
        alarmDescription: `rollcall site ${siteId}: the audit found removals at or above the mass-change threshold — an accidental mass delete or a truncated listing. Read changes.csv in the run's reports; if it was an accident, see "the morning after" in the README.`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );

    const toTopic = new actions.SnsAction(props.topic);
    for (const alarm of [this.runFailed, this.exportIncomplete, this.massChangeSuspect]) {
      alarm.addAlarmAction(toTopic);
    }
  }
}
