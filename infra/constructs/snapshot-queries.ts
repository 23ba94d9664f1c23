import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeNag, acknowledgeWildcard } from '../acknowledge.ts';
import { FILE_LINES_TABLE, snapshotLinesColumns, snapshotViews, type ViewColumn } from '../snapshot-views.ts';

export interface SnapshotQueriesProps {
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly keyPrefix: string;
  readonly siteIds: readonly string[];
  readonly accessLogs: s3.IBucket;
  /** The first day partition projection offers. */
  readonly firstDay?: string;
}

/**
 * History in SQL: a Glue database whose table reads every snapshot line where the export wrote
 * it (partition projection on site and day, so no crawler and no partitions to maintain), a
 * second table over the same files read as plain lines (for the manifests), the views `runs`,
 * `users`, `groups` and `memberships` over them, and an Athena workgroup whose results are encrypted.
 */
export class SnapshotQueries extends Construct {
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly resultsBucket: s3.Bucket;
  private readonly queryStatements: iam.PolicyStatement[];
  private readonly tablesArn: string;

  constructor(scope: Construct, id: string, props: SnapshotQueriesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const stackSlug = stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    this.databaseName = `${stackSlug}_snapshots`;
    this.workGroupName = `${stack.stackName}-queries`;

    this.resultsBucket = new s3.Bucket(this, 'Results', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'query-results/',
      lifecycleRules: [{ id: 'expire-query-results', expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description: 'rollcall: every snapshot of every site, one row per user or group and night',
      },
    });

    const location = `s3://${props.bucket.bucketName}/${props.keyPrefix}snapshots/`;
    // Both tables read the run folders of one site and day: partition projection finds them.
    const projection = {
      'projection.enabled': 'true',
      'projection.site.type': 'enum',
      'projection.site.values': props.siteIds.join(','),
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy-MM-dd',
      'projection.day.range': `${props.firstDay ?? '2024-01-01'},NOW`,
      'projection.day.interval': '1',
      'projection.day.interval.unit': 'DAYS',
      'storage.location.template': `${location}site=\${site}/date=\${day}/`,
    };
    const partitionKeys = [
      { name: 'site', type: 'string' },
      { name: 'day', type: 'string' },
    ];
    const lines = new glue.CfnTable(this, 'SnapshotLines', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: 'snapshot_lines',
        description:
          'Every line of every users.jsonl.gz and groups.jsonl.gz; query the runs, users, groups and memberships views instead.',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys,
        parameters: { classification: 'json', ...projection },
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: {
              // The run folders also hold CSV files and the manifest: their lines read as empty rows.
              'ignore.malformed.json': 'true',
              ...Object.fromEntries(
                snapshotLinesColumns
                  .filter((c) => c.json !== c.name)
                  .map((c) => [`mapping.${c.name}`, c.json]),
              ),
            },
          },
          columns: snapshotLinesColumns.map(({ name, hiveType }) => ({ name, type: hiveType })),
        },
      },
    });
    // The manifest is indented JSON, one field a line: read as text, its status line gives the
    // run's status to the runs view.
    const fileLines = new glue.CfnTable(this, 'SnapshotFileLines', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: FILE_LINES_TABLE,
        description:
          'Every line of every file of every run folder, as text; the runs view reads the manifests from it.',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys,
        parameters: { classification: 'text', ...projection },
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
            // A separator no manifest line holds: each line is one value.
            parameters: { 'field.delim': '\u0001', 'serialization.format': '\u0001' },
          },
          columns: [{ name: 'line', type: 'string' }],
        },
      },
    });
    fileLines.addResourceDependency(database);
    lines.addResourceDependency(database);

    for (const view of snapshotViews(this.databaseName)) {
      const table = new glue.CfnTable(this, `View${view.name}`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: {
          name: view.name,
          description: view.description,
          tableType: 'VIRTUAL_VIEW',
          parameters: { presto_view: 'true', comment: 'Presto View' },
          viewOriginalText: view.prestoViewText,
          viewExpandedText: '/* Presto View */',
          storageDescriptor: {
            columns: view.columns.map(({ name, hiveType }: ViewColumn) => ({ name, type: hiveType })),
            serdeInfo: {},
            location: '',
          },
        },
      });
      table.addResourceDependency(database);
    }

    const workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'rollcall: queries over the snapshots',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // 10 GB: far above a year of nightly snapshots of a large site, far below a runaway scan.
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });

    const catalogArn = (resource: string) =>
      stack.formatArn({
        service: 'glue',
        resource,
        resourceName: resource === 'catalog' ? undefined : this.databaseName,
      });
    this.tablesArn = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${this.databaseName}/*`,
    });
    this.queryStatements = [
      new iam.PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
          'athena:GetWorkGroup',
        ],
        resources: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroup.name }),
        ],
      }),
      new iam.PolicyStatement({
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartition',
          'glue:GetPartitions',
        ],
        resources: [catalogArn('catalog'), catalogArn('database'), this.tablesArn],
      }),
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket'],
        resources: [this.resultsBucket.bucketArn],
      }),
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.resultsBucket.arnForObjects('*')],
      }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.key.keyArn],
      }),
    ];
  }

  /** Lets the holder of `policy` run queries in the workgroup over these tables and read the results. */
  grantQuery(policy: iam.ManagedPolicy): void {
    for (const statement of this.queryStatements) policy.addStatements(statement);
    acknowledgeNag(
      policy,
      `AwsSolutions-IAM5[Resource::${Stack.of(this).resolve(this.tablesArn)['Fn::Join'][1].map(nagToken).join('')}]`,
      'The tables and views of this one database: the raw lines, users and groups.',
    );
    acknowledgeWildcard(
      policy,
      this.resultsBucket,
      '/*',
      'Athena writes every query result under a new key of the query-results bucket, which holds nothing else.',
    );
  }
}

/** How cdk-nag writes a CloudFormation pseudo parameter inside a finding id. */
function nagToken(part: unknown): string {
  if (typeof part === 'string') return part;
  const ref = (part as { Ref?: string }).Ref;
  return `<${ref}>`;
}
