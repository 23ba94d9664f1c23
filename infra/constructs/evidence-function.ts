import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { SiteConfig } from '../../functions/config/schema.ts';
import { SITE_VARIABLE, STORE_VARIABLE } from '../../functions/lambda/contract.ts';
import { siteReportsPrefix } from '../../functions/reports/layout.ts';
import { siteSnapshotsPrefix } from '../../functions/snapshot/layout.ts';
import { RollcallFunction } from './rollcall-function.ts';
import { grantArchivePrefixes, storeUri } from './site-grants.ts';

export interface EvidenceFunctionProps {
  readonly site: SiteConfig;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** rollcall's key prefix in the bucket: empty or ending with `/`. */
  readonly keyPrefix: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One site's evidence workbook, written after the audit from the snapshot and the audit's
 * reports: a function of its own because exceljs would take the audit's bundle past 1.5 MB.
 * Reads the site's snapshots and reports, writes only its reports, holds no secret. The workbook
 * streams (a few buffers of memory whatever the size); 1,024 MB buys the CPU its rows cost.
 */
export class EvidenceFunction extends Construct {
  readonly function: RollcallFunction;

  constructor(scope: Construct, id: string, props: EvidenceFunctionProps) {
    super(scope, id);
    const { site } = props;
    this.function = new RollcallFunction(this, 'Lambda', {
      entry: 'functions/evidence/handler.ts',
      description: `rollcall: writes the evidence workbook of site ${site.id}`,
      environment: {
        [STORE_VARIABLE]: storeUri(props.bucket, props.keyPrefix),
        [SITE_VARIABLE]: JSON.stringify(site),
      },
      memorySize: 1024,
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
    });
    grantArchivePrefixes(this.function.role, props.bucket, props.key, {
      // Writing the reports' prefix includes reading it: findings.json and changes.csv.
      read: [`${props.keyPrefix}${siteSnapshotsPrefix(site.id)}`],
      write: [`${props.keyPrefix}${siteReportsPrefix(site.id)}`],
    });
  }
}
