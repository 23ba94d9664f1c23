import { join } from 'node:path';
import type { Duration, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/lambda/contract.ts';

/** The repository root: the project esbuild bundles from. */
export const projectRoot = join(import.meta.dirname, '..', '..');

/** Lambda accepts at most 4 KB of environment variables per function. */
const ENVIRONMENT_LIMIT_BYTES = 4096;

export interface RollcallFunctionProps {
  /** The handler module, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Node.js flags beside `--enable-source-maps`, such as heap limits. Default: none. */
  readonly nodeFlags?: readonly string[];
  /** Local disk for the function's /tmp, where the export spills its sort. Default: Lambda's 512 MB. */
  readonly ephemeralStorageSize?: Size;
}

/**
 * A rollcall Lambda function: bundled with the local esbuild (ESM, minified, source maps on),
 * ARM64 on the newest Node.js runtime, with its own log group and a role that starts with
 * nothing but the right to write that log group. Callers grant the rest.
 */
export class RollcallFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RollcallFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup.grantWrite(this.role);

    const environment = {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // Measured by `npm run bench:source-maps` on Node.js 24: loading the handler costs the
      // same with or without; the map is read only when an error's stack is, 50–140 ms once.
      // An unexpected error's stack then names rollcall's source lines instead of minified ones.
      NODE_OPTIONS: ['--enable-source-maps', ...(props.nodeFlags ?? [])].join(' '),
    };
    const bytes = Object.entries(environment).reduce(
      (total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value),
      0,
    );
    if (bytes > ENVIRONMENT_LIMIT_BYTES - 512) {
      throw new Error(
        `${props.description}: its settings take ${bytes} bytes of Lambda environment, more than fits in 4 KB with the runtime's own variables; shorten the site's audit exceptions or privileged groups.`,
      );
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(projectRoot, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      ...(props.ephemeralStorageSize === undefined
        ? {}
        : { ephemeralStorageSize: props.ephemeralStorageSize }),
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // The SDK is bundled at the version rollcall is tested with, not the runtime's copy.
        bundleAwsSDK: true,
        // CommonJS dependencies call require(); ESM bundles have none unless it is made.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
  }
}
