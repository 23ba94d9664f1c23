import { Duration, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { SiteConfig } from '../../functions/config/schema.ts';
import { EXPORT_HEAP_FLAGS, SITE_VARIABLE, STORE_VARIABLE } from '../../functions/lambda/contract.ts';
import { siteSnapshotsPrefix, siteWorkPrefix } from '../../functions/snapshot/layout.ts';
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
 * snapshots and its unfinished runs (`work/`: the run's lease, checkpoint and parts), and deletes
 * only there. Sized from `npm run bench:export` at the largest supported site, 1,000,000 users:
 * at most 360 MB of memory under the export's heap limits, but one to two minutes of CPU, so
 * 1,024 MB for its share of a vCPU; and /tmp for the sort's spill (about 1.1–1.4 GB: a site's
 * users.jsonl and users.csv, uncompressed) beside a resumed slice's local copy of every answer
 * read so far (about as large again), so 6,144 MB.
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
      ephemeralStorageSize: Size.mebibytes(6144),
      nodeFlags: EXPORT_HEAP_FLAGS,
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
    });
    const snapshots = `${props.keyPrefix}${siteSnapshotsPrefix(site.id)}`;
    // The run's lease, a sliced export's checkpoint and parts live under work/: conditional writes
    // need s3:PutObject and s3:GetObject only; the last slice deletes the checkpoint and parts.
    const work = `${props.keyPrefix}${siteWorkPrefix(site.id)}`;
    const { role } = this.function;
    grantArchivePrefixes(role, props.bucket, props.key, {
      read: [],
      write: [snapshots, work],
      remove: [work],
    });
    const secrets = secretArns(this, site.credentials);
    if (secrets.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secrets }),
      );
    }
  }
}
