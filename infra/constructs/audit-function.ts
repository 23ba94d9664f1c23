import { Duration, Size } from 'aws-cdk-lib';
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
 * Sized from `npm run bench:audit` at the largest supported site, 1,000,000 users: 364 MB peak
 * and about 11 s of one core, so 1,024 MB (about 0.6 vCPU, some 20 s) leaves room in both; the
 * audit spills its findings and changes to /tmp before stitching the reports (at most the size
 * of findings.json, about 200 MB at that size), so 1,024 MB of it.
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
      memorySize: 1024,
      ephemeralStorageSize: Size.mebibytes(1024),
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
    });
    grantArchivePrefixes(this.function.role, props.bucket, props.key, {
      read: [`${props.keyPrefix}${siteSnapshotsPrefix(site.id)}`],
      write: [`${props.keyPrefix}${siteReportsPrefix(site.id)}`],
    });
  }
}
