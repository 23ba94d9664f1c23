import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkDeployable } from '../functions/config/deployable.ts';
import type { RollcallConfig } from '../functions/config/schema.ts';
import { RollcallStack } from './rollcall-stack.ts';

export interface RollcallApp {
  readonly app: App;
  readonly stack: RollcallStack;
}

export interface RollcallAppOptions {
  readonly app?: App;
  readonly stackName?: string;
  /** Names the config in messages (default `rollcall.config.json`). */
  readonly configName?: string;
}

/**
 * The CDK app for one config: the stack, with cdk-nag's AwsSolutions checks on, so any
 * unacknowledged finding fails the synth. A config that cannot run in Lambda (see
 * checkDeployable) is a ConfigError before anything is built.
 */
export function buildRollcallApp(config: RollcallConfig, options: RollcallAppOptions = {}): RollcallApp {
  checkDeployable(config, options.configName ?? 'rollcall.config.json');
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
