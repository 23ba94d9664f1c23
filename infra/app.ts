/**
 * The CDK app: `npx cdk synth -c config=path/to/rollcall.config.json` (default
 * rollcall.config.json). A config mistake ends the synth with the message the CLI gives.
 */
import { App } from 'aws-cdk-lib';
import { loadConfigFile } from '../functions/config/load-config.ts';
import { ConfigError } from '../functions/shared/errors.ts';
import { buildRollcallApp } from './build-app.ts';

const app = new App();
const configPath = String(app.node.tryGetContext('config') ?? 'rollcall.config.json');
const stackName = app.node.tryGetContext('stackName');

try {
  const { config } = await loadConfigFile(configPath, process.cwd());
  buildRollcallApp(config, {
    app,
    configName: configPath,
    ...(typeof stackName === 'string' ? { stackName } : {}),
  });
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`rollcall: ${error.message}\n`);
  process.exitCode = 2;
}
