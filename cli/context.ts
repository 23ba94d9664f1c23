import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type LoadedConfig, loadConfigFile } from '../functions/config/load-config.ts';
import type { CredentialSources } from '../functions/credentials/resolve-credentials.ts';
import { createSecretsManagerReader, type SecretReader } from '../functions/credentials/secrets-manager.ts';
import type { Clock } from '../functions/shared/clock.ts';
import { ConfigError } from '../functions/shared/errors.ts';
import { createStore, s3ClientOptions, s3EndpointOverride } from '../functions/store/create-store.ts';
import type { ObjectStore } from '../functions/store/port.ts';
import type { CliIo } from './io.ts';

/** AWS and HTTP clients a command uses; tests replace any of them. */
export interface CliClients {
  readonly fetch?: typeof fetch;
  readonly s3?: S3Client;
  readonly secretsManager?: SecretsManagerClient;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The time commands such as `share` compute expiries from; default the system clock. */
  readonly clock?: Clock;
  /**
   * Ctrl-C as a command may see it: `export` and `run` watch it to stop at the next request and
   * keep what they read; every other command is stopped at once. Default: never interrupted.
   */
  readonly interrupts?: InterruptSource;
}

export interface InterruptSource {
  /** Runs `work`, which handles an interrupt while it runs: the signal aborts at the first one. */
  during<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** The config, store and credential sources a command needs, built once from flags and env. */
export interface CommandContext {
  readonly loaded: LoadedConfig;
  readonly configName: string;
  readonly credentialSources: CredentialSources;
  store(override?: string): ObjectStore;
  /**
   * Awaits a step that reads the sites' credentials. Their messages name the site and the
   * credentials key; a config mistake found there also names the config file it is in.
   */
  inConfigFile<T>(step: Promise<T>): Promise<T>;
}

export async function createContext(
  configPath: string,
  io: CliIo,
  clients: CliClients,
): Promise<CommandContext> {
  const loaded = await loadConfigFile(configPath, io.cwd);
  let secrets: SecretReader | undefined;
  let s3 = clients.s3;
  return {
    loaded,
    configName: configPath,
    credentialSources: {
      env: io.env,
      configDirectory: loaded.directory,
      secrets: {
        read(secretId) {
          // Created on first use, so file- and env-based sites never need AWS credentials.
          secrets ??= createSecretsManagerReader(clients.secretsManager ?? new SecretsManagerClient({}));
          return secrets.read(secretId);
        },
      },
    },
    store(override) {
      // --store is relative to where the command runs; the config's store to the config file.
      const [uri, base, origin] =
        override === undefined
          ? [loaded.config.store, loaded.directory, configPath]
          : [override, io.cwd, '--store'];
      try {
        return createStore(uri, {
          cwd: base,
          s3Client: () => {
            s3 ??= new S3Client(s3ClientOptions(s3EndpointOverride(io.env)));
            return s3;
          },
        });
      } catch (error) {
        // Say where the unusable URI came from: the flag or the config file.
        throw error instanceof ConfigError ? new ConfigError(`${origin}: ${error.message}`) : error;
      }
    },
    async inConfigFile(step) {
      try {
        return await step;
      } catch (error) {
        throw error instanceof ConfigError ? new ConfigError(`${configPath}: ${error.message}`) : error;
      }
    },
  };
}
