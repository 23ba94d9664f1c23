/**
 * What both handlers set up once per container: the site and the store from the environment, and
 * the site as a key of every log line and a dimension of every metric.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { SiteConfig } from '../config/schema.ts';
import { ConfigError } from '../shared/errors.ts';
import { createStore, s3ClientOptions, s3EndpointOverride } from '../store/create-store.ts';
import type { ObjectStore } from '../store/port.ts';
import { STORE_VARIABLE } from './contract.ts';
import { type HandlerEnvironment, parseEnvironment } from './environment.ts';
import { RollcallConfigError } from './errors.ts';
import { createLogger, createMetrics, tagWithSite } from './observability.ts';

/** What every handler is built from; the default export builds these once, tests pass their own. */
export interface ShellDeps {
  /** The function's environment (the handler passes `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly s3: S3Client;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface SiteShell {
  readonly site: SiteConfig;
  readonly store: ObjectStore;
}

/** The clients and Powertools utilities of a container, configured from its environment. */
export function defaultShellDeps(env: Readonly<Record<string, string | undefined>>): ShellDeps {
  return {
    env,
    s3: new S3Client(s3ClientOptions(s3EndpointOverride(env))),
    logger: createLogger(),
    metrics: createMetrics(),
  };
}

/**
 * Parses the environment and builds the store once, at cold start. A misconfiguration is
 * remembered and thrown by every invocation (as RollcallConfigError), so the state machine sees
 * a named error with a clear message instead of a function that cannot start.
 */
export function coldStart(deps: ShellDeps): () => SiteShell {
  let shell: SiteShell | undefined;
  let problem: RollcallConfigError | undefined;
  try {
    const environment = parseEnvironment(deps.env);
    shell = { site: environment.site, store: storeOf(environment, deps.s3) };
    tagWithSite(deps.logger, deps.metrics, environment.site.id);
  } catch (error) {
    problem =
      error instanceof RollcallConfigError
        ? error
        : new RollcallConfigError(`the function could not start: ${(error as Error).message}`, {
            cause: error,
          });
  }
  return () => {
    if (problem || !shell) throw problem;
    return shell;
  };
}

function storeOf(environment: HandlerEnvironment, s3: S3Client): ObjectStore {
  try {
    // An s3:// store never resolves a path, so the working directory does not matter.
    return createStore(environment.storeUri, { cwd: '/', s3Client: s3 });
  } catch (error) {
    if (error instanceof ConfigError)
      throw new RollcallConfigError(`${STORE_VARIABLE}: ${error.message}`, { cause: error });
    throw error;
  }
}
