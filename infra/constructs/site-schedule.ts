import { Duration, TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { SiteConfig } from '../../functions/config/schema.ts';

/** How long Scheduler keeps trying to start a run before it gives up to the dead-letter queue. */
export const RUN_START_LIMIT = Duration.hours(6);

export interface SiteScheduleProps {
  readonly site: SiteConfig;
  readonly stateMachine: sfn.IStateMachine;
  /** Where Scheduler puts a start it could not deliver after its retries. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The site's schedule (cron and time zone from the config): starts one execution with
 * `{ site, scheduledAt }`, where `scheduledAt` is the time the schedule was due, not the time
 * it happened to fire.
 */
export class SiteSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: SiteScheduleProps) {
    super(scope, id);
    const { site } = props;
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `rollcall: scheduled run of site ${site.id}`,
      schedule: scheduler.ScheduleExpression.expression(site.schedule, TimeZone.of(site.timezone)),
      target: new targets.StepFunctionsStartExecution(props.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({
          site: site.id,
          scheduledAt: scheduler.ContextAttribute.scheduledTime,
        }),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: RUN_START_LIMIT,
      }),
    });
  }
}
