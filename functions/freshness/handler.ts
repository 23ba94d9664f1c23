/**
 * The freshness check: run every hour by its own schedule, one per site. Reads the site's
 * latest.json and emits SnapshotOverdue (1 or 0) and SnapshotAgeHours; the site's
 * snapshot-overdue alarm watches the first. Thin: it parses its settings, calls the core and
 * maps the result to metrics and one log line.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import * as z from 'zod';
import { FRESHNESS_WINDOW_VARIABLE, metricNames, WATCHING_SINCE_VARIABLE } from '../lambda/contract.ts';
import { RollcallConfigError } from '../lambda/errors.ts';
import { addCount, logFailure } from '../lambda/observability.ts';
import { coldStart, defaultShellDeps, type ShellDeps } from '../lambda/shell.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { checkFreshness, type Freshness } from './check-freshness.ts';

export interface FreshnessHandlerDeps extends ShellDeps {
  readonly clock: Clock;
}

export type FreshnessHandler = MiddyfiedHandler<unknown, Freshness>;

const settingsSchema = z.object({
  [FRESHNESS_WINDOW_VARIABLE]: z.coerce.number().int().positive(),
  [WATCHING_SINCE_VARIABLE]: z.iso.datetime(),
});

export function createFreshnessHandler(deps: FreshnessHandlerDeps): FreshnessHandler {
  const shell = coldStart(deps);
  const settings = settingsSchema.safeParse(deps.env);
  return middy<unknown, Freshness>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logMetrics(deps.metrics))
    .handler(async (): Promise<Freshness> => {
      try {
        const { site, store } = shell();
        if (!settings.success) {
          throw new RollcallConfigError(
            `${FRESHNESS_WINDOW_VARIABLE} must be a whole number of seconds and ${WATCHING_SINCE_VARIABLE} an ISO time (the stack sets both).`,
          );
        }
        const freshness = await checkFreshness(
          store,
          {
            siteId: site.id,
            windowMs: settings.data[FRESHNESS_WINDOW_VARIABLE] * 1000,
            watchingSince: new Date(settings.data[WATCHING_SINCE_VARIABLE]),
          },
          deps.clock.now(),
        );
        addCount(deps.metrics, metricNames.snapshotOverdue, freshness.overdue ? 1 : 0);
        addCount(deps.metrics, metricNames.snapshotAgeHours, freshness.ageHours);
        deps.logger.info(freshness.overdue ? 'snapshot overdue' : 'snapshot fresh', { ...freshness });
        return freshness;
      } catch (error) {
        const thrown = error instanceof Error ? error : new Error(String(error));
        logFailure(deps.logger, 'freshness check failed', thrown);
        throw thrown;
      }
    });
}

export const handler: FreshnessHandler = createFreshnessHandler({
  ...defaultShellDeps(process.env),
  clock: systemClock,
});
