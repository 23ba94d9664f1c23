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

export interface AuditFunctionProps {
  readonly site: SiteConfig;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** rollcall's key prefix in the bucket: empty or ending with `/`. */
  readonly keyPrefix: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One site's audit: reads the site's snapshots, writes only its reports, holds no secret.
 * Sized for the audit benchmark (200,000 users: 518 MB peak, CPU-bound, so the memory that
 * buys a full vCPU and more).
 */
export class AuditFunction extends Construct {
  readonly function: RollcallFunction;

  constructor(scope: Construct, id: string, props: AuditFunctionProps) {
    super(scope, id);
    const { site } = props;
    this.function = new RollcallFunction(this, 'Lambda', {
      entry: 'functions/audit/handler.ts',
      description: `rollcall: audits site ${site.id}`,
      environment: {
        [STORE_VARIABLE]: storeUri(props.bucket, props.keyPrefix),
        [SITE_VARIABLE]: JSON.stringify(site),
      },
      memorySize: 2048,
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
    });
    grantArchivePrefixes(this.function.role, props.bucket, props.key, {
      read: [`${props.keyPrefix}${siteSnapshotsPrefix(site.id)}`],
      write: [`${props.keyPrefix}${siteReportsPrefix(site.id)}`],
    });
  }
}
