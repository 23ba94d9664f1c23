import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcard } from '../acknowledge.ts';
import type { SnapshotQueries } from './snapshot-queries.ts';

export interface AuditorAccessProps {
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly keyPrefix: string;
  /** Also grant the snapshots (personal data) and SQL over them. */
  readonly includeSnapshots: boolean;
  /** The Athena tables over the snapshots, granted with them. */
  readonly queries: SnapshotQueries;
  /** Principals that may assume the auditor role; no role when empty. */
  readonly trustedPrincipals: readonly string[];
}

/**
 * Read-only access for compliance auditors: a managed policy for the reports, a separate one
 * for the snapshots when configured, and optionally a role that carries them.
 */
export class AuditorAccess extends Construct {
  readonly reportsPolicy: iam.ManagedPolicy;
  readonly snapshotsPolicy?: iam.ManagedPolicy;
  readonly role?: iam.Role;

  constructor(scope: Construct, id: string, props: AuditorAccessProps) {
    super(scope, id);
    this.reportsPolicy = this.readPolicy(
      'Reports',
      'read rollcall reports',
      `${props.keyPrefix}reports/`,
      props,
    );
    const policies = [this.reportsPolicy];
    if (props.includeSnapshots) {
      this.snapshotsPolicy = this.readPolicy(
        'Snapshots',
        'read rollcall snapshots and query them with Athena',
        `${props.keyPrefix}snapshots/`,
        props,
      );
      props.queries.grantQuery(this.snapshotsPolicy);
      policies.push(this.snapshotsPolicy);
    }
    if (props.trustedPrincipals.length > 0) {
      this.role = new iam.Role(this, 'Role', {
        description: 'rollcall: read-only access for compliance auditors',
        assumedBy: new iam.CompositePrincipal(
          ...props.trustedPrincipals.map((arn) => new iam.ArnPrincipal(arn)),
        ),
        managedPolicies: policies,
      });
    }
  }

  private readPolicy(id: string, description: string, prefix: string, props: AuditorAccessProps) {
    const policy = new iam.ManagedPolicy(this, id, {
      description: `rollcall: ${description}`,
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [props.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [props.bucket.arnForObjects(`${prefix}*`)],
        }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.key.keyArn] }),
      ],
    });
    acknowledgeWildcard(
      policy,
      props.bucket,
      `/${prefix}*`,
      'Auditors read every object under this prefix (one folder per site, day and run); nothing else in the bucket.',
    );
    return policy;
  }
}
