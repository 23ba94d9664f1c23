import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { SiteConfig } from '../../functions/config/schema.ts';
import { SITE_VARIABLE, STORE_VARIABLE } from '../../functions/lambda/contract.ts';
import { siteSnapshotsPrefix } from '../../functions/snapshot/layout.ts';
import { RollcallFunction } from './rollcall-function.ts';
import { grantArchivePrefixes, secretArns, storeUri } from './site-grants.ts';

export interface ExportFunctionProps {
  readonly site: SiteConfig;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** rollcall's key prefix in the bucket: empty or ending with `/`. */
  readonly keyPrefix: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One site's export: reads that site's secret and nothing else, writes only under the site's
 * snapshots. Sized for the largest site the export benchmark measures (50,000 users: 455 MB
 * peak), with room for slower real APIs within Lambda's 15 minutes.
 */
export class ExportFunction extends Construct {
  readonly function: RollcallFunction;

  constructor(scope: Construct, id: string, props: ExportFunctionProps) {
    super(scope, id);
    const { site } = props;
    this.function = new RollcallFunction(this, 'Lambda', {
      entry: 'functions/export/handler.ts',
      description: `rollcall: exports site ${site.id}`,
      environment: {
        [STORE_VARIABLE]: storeUri(props.bucket, props.keyPrefix),
        [SITE_VARIABLE]: JSON.stringify(site),
      },
      memorySize: 1024,
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
    });
    const snapshots = `${props.keyPrefix}${siteSnapshotsPrefix(site.id)}`;
    const { role } = this.function;
    grantArchivePrefixes(role, props.bucket, props.key, { read: [], write: [snapshots] });
    const secrets = secretArns(this, site.credentials);
    if (secrets.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secrets }),
      );
    }
  }
}
