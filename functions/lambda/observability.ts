/**
 * Powertools Logger and Metrics as both functions use them: JSON logs of service `rollcall`, EMF
 * metrics in namespace `Rollcall` with the site as a dimension. Created once per container.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type metricNames, SERVICE_NAME } from './contract.ts';

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

export function createLogger(): Logger {
  return new Logger({ serviceName: SERVICE_NAME });
}

export function createMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
}

/** Every log line and metric of this container names its site. */
export function tagWithSite(logger: Logger, metrics: Metrics, siteId: string): void {
  logger.appendPersistentKeys({ site: siteId });
  metrics.setDefaultDimensions({ site: siteId });
}

export function addCount(metrics: Metrics, name: MetricName, value: number): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * One error line: the error's name (what Step Functions matches on) and rollcall's reason, which
 * never holds a secret. The original error (its stack) only for an unexpected one: that is what
 * finds the bug, and rollcall's own reasons already say what to check.
 */
export function logFailure(
  logger: Logger,
  message: string,
  error: Error & { readonly failure?: string; readonly outcome?: string },
): void {
  logger.error(message, {
    errorName: error.name,
    reason: error.message,
    ...(error.failure === undefined ? {} : { failure: error.failure }),
    ...(error.outcome === undefined ? {} : { outcome: error.outcome }),
    ...(error.failure === 'internal' && error.cause instanceof Error ? { error: error.cause } : {}),
  });
}
