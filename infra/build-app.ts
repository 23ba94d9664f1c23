import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RollcallConfig } from '../functions/config/schema.ts';
import { RollcallStack } from './rollcall-stack.ts';

export interface RollcallApp {
  readonly app: App;
  readonly stack: RollcallStack;
}

/**
 * The CDK app for one config: the stack, with cdk-nag's AwsSolutions checks on, so any
 * unacknowledged finding fails the synth.
 */
export function buildRollcallApp(
  config: RollcallConfig,
  options: { readonly app?: App; readonly stackName?: string } = {},
): RollcallApp {
  const app = options.app ?? new App();
  // Access logs are delivered under a bucket policy, not the legacy log-delivery ACL.
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  const stack = new RollcallStack(app, options.stackName ?? 'Rollcall', {
    config,
    description: 'rollcall: nightly, provable backups and audits of who has access to your SaaS sites',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
