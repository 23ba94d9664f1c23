import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import type { CredentialsSource } from '../../functions/config/schema.ts';
import { acknowledgeWildcard } from '../acknowledge.ts';

/**
 * Grants `role` read and write access under some prefixes of the archive and use of its key —
 * nothing elsewhere in the bucket — and acknowledges the object wildcards under those prefixes.
 * `remove` prefixes (working files only, never snapshots or reports) may also be deleted from.
 */
export function grantArchivePrefixes(
  role: iam.IRole & IConstruct,
  bucket: s3.IBucket,
  key: kms.IKey,
  access: ArchiveAccess,
): void {
  for (const statement of archivePrefixStatements(bucket, key, access)) role.addToPrincipalPolicy(statement);
  for (const prefix of new Set([...access.read, ...access.write, ...(access.remove ?? [])])) {
    acknowledgeWildcard(
      role,
      bucket,
      `/${prefix}*`,
      `Objects are created under this prefix every night with keys named by the run; the role reaches no other prefix of the bucket.`,
    );
  }
}

export interface ArchiveAccess {
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly remove?: readonly string[];
}

function archivePrefixStatements(
  bucket: s3.IBucket,
  key: kms.IKey,
  access: ArchiveAccess,
): iam.PolicyStatement[] {
  const objects = (prefixes: readonly string[]) =>
    prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
  const statements = [
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [...access.read, ...access.write].map((p) => `${p}*`) } },
    }),
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: objects([...new Set([...access.read, ...access.write])]),
    }),
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', ...(access.write.length > 0 ? ['kms:GenerateDataKey'] : [])],
      resources: [key.keyArn],
    }),
  ];
  if (access.write.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: objects(access.write),
      }),
    );
  }
  if (access.remove !== undefined && access.remove.length > 0) {
    statements.push(
      new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: objects(access.remove) }),
    );
  }
  return statements;
}

/**
 * The ARN patterns of one site's secret. A name matches the secret whatever random suffix
 * Secrets Manager gave it; a full ARN is used as it is.
 */
export function secretArns(scope: IConstruct, source: CredentialsSource): string[] {
  if (!('secretId' in source)) return [];
  const { secretId } = source;
  if (secretId.startsWith('arn:')) return [secretId, `${secretId}-??????`];
  return [
    Arn.format(
      {
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${secretId}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      Stack.of(scope),
    ),
  ];
}

/** The `s3://` store URI the functions are given: the archive bucket and rollcall's prefix in it. */
export function storeUri(bucket: s3.IBucket, keyPrefix: string): string {
  return `s3://${bucket.bucketName}${keyPrefix === '' ? '' : `/${keyPrefix.slice(0, -1)}`}`;
}
