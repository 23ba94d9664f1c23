import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  currentVersionDays,
  DEFAULT_NONCURRENT_VERSION_DAYS,
  type DeploymentConfig,
} from '../../functions/config/schema.ts';
import { acknowledgeNag } from '../acknowledge.ts';

/**
 * An unfinished run's working files (lease, checkpoint, parts) are removed by the run that
 * finishes it; one abandoned by a crash is gone after this many days, well past any retry.
 */
export const ABANDONED_RUN_DAYS = 7;

export interface ArchiveBucketProps {
  /** Name of the archive bucket; CloudFormation names it when absent. */
  readonly bucketName?: string;
  /** Lifecycle and Object Lock settings (`deployment.archive` of the config). */
  readonly archive: DeploymentConfig['archive'];
  /** rollcall's key prefix in the bucket: empty or ending with `/`. */
  readonly keyPrefix: string;
}

/**
 * The archive of snapshots and reports: versioned, encrypted with a rotating customer key,
 * private, TLS-only, access-logged, moved to a colder class and expired on a schedule, and
 * optionally write-once (Object Lock). Kept when the stack is deleted: it is the evidence.
 */
export class ArchiveBucket extends Construct {
  /** The customer-managed key that encrypts the archive (and the query results over it). */
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  /** Receives the server access logs of the archive and of the query-results bucket. */
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    const { archive } = props;

    this.key = new kms.Key(this, 'Key', {
      description: 'rollcall: encrypts the archive of access snapshots and reports',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // Server access logs can only be delivered to a bucket encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(archive.expireAfterDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.accessLogs,
      'AwsSolutions-S1',
      'This bucket receives the server access logs; logging it into itself would loop.',
    );

    const lock = archive.objectLock;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...(props.bucketName === undefined ? {} : { bucketName: props.bucketName }),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'archive/',
      ...(lock === undefined
        ? {}
        : {
            objectLockEnabled: true,
            objectLockDefaultRetention:
              lock.mode === 'compliance'
                ? s3.ObjectLockRetention.compliance(Duration.days(lock.days))
                : s3.ObjectLockRetention.governance(Duration.days(lock.days)),
          }),
      lifecycleRules: [
        {
          id: 'cold-then-expire',
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(archive.coldAfterDays),
            },
          ],
          // The current version makes way (a delete marker) early enough that its noncurrent
          // window ends by expireAfterDays: no version of a snapshot outlives the setting.
          expiration: Duration.days(currentVersionDays(archive)),
          noncurrentVersionExpiration: Duration.days(
            archive.noncurrentVersionDays ?? DEFAULT_NONCURRENT_VERSION_DAYS,
          ),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // S3 refuses this flag in a rule that also expires by age, so it has its own.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
        {
          id: 'expire-abandoned-runs',
          prefix: `${props.keyPrefix}work/`,
          expiration: Duration.days(ABANDONED_RUN_DAYS),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
