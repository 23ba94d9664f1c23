import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SiteConfig } from '../../functions/config/schema.ts';
import { AuditFunction } from './audit-function.ts';
import { EvidenceFunction } from './evidence-function.ts';
import { ExportFunction } from './export-function.ts';
import { FreshnessCheck } from './freshness-check.ts';
import { SiteAlarms } from './site-alarms.ts';
import { RUN_TIME_LIMIT, SiteRun } from './site-run.ts';
import { RUN_START_LIMIT, SiteSchedule } from './site-schedule.ts';

export interface SiteBackupProps {
  readonly site: SiteConfig;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly keyPrefix: string;
  readonly topic: sns.ITopic;
  readonly deadLetterQueue: sqs.IQueue;
  readonly logRetention: logs.RetentionDays;
}

/** Everything that runs one site on its schedule: functions, state machine, schedule, alarms, freshness check. */
export class SiteBackup extends Construct {
  readonly siteId: string;
  readonly exportFunction: ExportFunction;
  readonly auditFunction: AuditFunction;
  readonly evidenceFunction: EvidenceFunction;
  readonly run: SiteRun;
  readonly schedule: SiteSchedule;
  readonly alarms: SiteAlarms;
  readonly freshness: FreshnessCheck;

  constructor(scope: Construct, id: string, props: SiteBackupProps) {
    super(scope, id);
    const { site } = props;
    this.siteId = site.id;
    const archive = {
      site,
      bucket: props.bucket,
      key: props.key,
      keyPrefix: props.keyPrefix,
      logRetention: props.logRetention,
    };
    this.exportFunction = new ExportFunction(this, 'Export', archive);
    this.auditFunction = new AuditFunction(this, 'Audit', archive);
    this.evidenceFunction = new EvidenceFunction(this, 'Evidence', archive);
    this.run = new SiteRun(this, 'Run', {
      siteId: site.id,
      exportFunction: this.exportFunction.function.function,
      auditFunction: this.auditFunction.function.function,
      evidenceFunction: this.evidenceFunction.function.function,
      topic: props.topic,
      logRetention: props.logRetention,
    });
    this.schedule = new SiteSchedule(this, 'Schedule', {
      site,
      stateMachine: this.run.stateMachine,
      deadLetterQueue: props.deadLetterQueue,
    });
    this.alarms = new SiteAlarms(this, 'Alarms', {
      siteId: site.id,
      stateMachine: this.run.stateMachine,
      topic: props.topic,
    });
    this.freshness = new FreshnessCheck(this, 'Freshness', {
      ...archive,
      topic: props.topic,
      // A snapshot lands at most this late after its scheduled time without anything failing.
      grace: RUN_START_LIMIT.plus(RUN_TIME_LIMIT),
    });
  }
}
