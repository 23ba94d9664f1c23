/**
 * The export function: one slice of one site's scheduled run. Started by the site's state machine
 * with the execution input EventBridge Scheduler built, `{ "site", "scheduledAt" }`, again and
 * again while the export answers `in-progress`: each invocation resumes from the run's checkpoint
 * and pages until its remaining time falls to the safety margin. Thin: it parses the event, reads
 * the credentials, calls the core's export and maps the result to the output, a typed error,
 * metrics and one log line.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { SiteConfig } from '../config/schema.ts';
import type { CredentialSources } from '../credentials/resolve-credentials.ts';
import { createSecretsManagerReader } from '../credentials/secrets-manager.ts';
import { EXPORT_SLICE_SAFETY_MARGIN_MS, metricNames } from '../lambda/contract.ts';
import {
  type HandlerError,
  isHandlerError,
  RollcallConfigError,
  RollcallRunBusy,
  RollcallTransientError,
  siteFailedError,
} from '../lambda/errors.ts';
import { type ExportEvent, type ExportOutput, exportEventSchema, parseEvent } from '../lambda/events.ts';
import { addCount, logFailure } from '../lambda/observability.ts';
import { coldStart, defaultShellDeps, type ShellDeps, type SiteShell } from '../lambda/shell.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { ConfigError } from '../shared/errors.ts';
import { TOOL_VERSION } from '../shared/tool-version.ts';
import { runIdFor } from '../snapshot/layout.ts';
import { exportSites } from './export-sites.ts';
import { siteFailure } from './site-failure.ts';

export interface ExportHandlerDeps extends ShellDeps {
  /** Created once per container; the secret reader over it is created per invocation. */
  readonly secretsManager: SecretsManagerClient;
  readonly clock: Clock;
  /** Replaces the HTTP client's own transport (tests). */
  readonly fetch?: typeof fetch;
  /** Replaces the back-off's sleep (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type ExportHandler = MiddyfiedHandler<unknown, ExportOutput>;

export function defaultExportDeps(env: Readonly<Record<string, string | undefined>>): ExportHandlerDeps {
  return { ...defaultShellDeps(env), secretsManager: new SecretsManagerClient({}), clock: systemClock };
}

/**
 * The export handler over the given clients. Returns the run's outcome, complete or incomplete,
 * or `in-progress` with the checkpoint's key when the invocation's time ran out first; throws
 * RollcallTransientError (retry) or RollcallSiteFailed (do not) when the site failed,
 * RollcallBadEvent or RollcallConfigError when the wiring is wrong.
 */
export function createExportHandler(deps: ExportHandlerDeps): ExportHandler {
  const shell = coldStart(deps);
  return middy<unknown, ExportOutput>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logMetrics(deps.metrics))
    .handler(async (event: unknown, context: Context): Promise<ExportOutput> => {
      let site: SiteConfig | undefined;
      try {
        const ready = shell();
        site = ready.site;
        const budget = {
          remainingMs: () => context.getRemainingTimeInMillis() - EXPORT_SLICE_SAFETY_MARGIN_MS,
        };
        return await exportSlice(
          parseEvent(exportEventSchema, event, 'export event', site.id),
          ready,
          budget,
          deps,
        );
      } catch (error) {
        const thrown = asExportError(error, site);
        // The alarm on ExportComplete must see this night's export as not complete; an error
        // the state machine retries is not the night's outcome yet (spent retries fail the
        // execution, which the run-failed alarm sees).
        if (site && !isRetried(thrown)) addCount(deps.metrics, metricNames.exportComplete, 0);
        logFailure(deps.logger, 'export failed', thrown);
        throw thrown;
      }
    });
}

export const handler: ExportHandler = createExportHandler(defaultExportDeps(process.env));

async function exportSlice(
  event: ExportEvent,
  { site, store }: SiteShell,
  budget: { remainingMs(): number },
  deps: ExportHandlerDeps,
): Promise<ExportOutput> {
  const scheduledAt = new Date(event.scheduledAt);
  deps.logger.appendKeys({ runId: runIdFor(scheduledAt) });
  const credentialSources: CredentialSources = {
    env: deps.env,
    configDirectory: process.cwd(),
    // Per invocation: a rotated secret is read fresh by the next run.
    secrets: createSecretsManagerReader(deps.secretsManager),
  };
  const run = await exportSites([site], scheduledAt, credentialSources, {
    store,
    clock: deps.clock,
    toolVersion: TOOL_VERSION,
    slice: event.holder === undefined ? budget : { ...budget, holder: event.holder },
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
  });
  const [result] = run.sites;
  if (!result) throw new Error(`the export of site ${site.id} returned no result`);
  if (result.status === 'failed') throw siteFailedError(result);
  const notes = {
    ...(result.resumedAt === undefined ? {} : { resumedAt: result.resumedAt }),
    ...(result.checkpointWarning === undefined ? {} : { checkpointWarning: result.checkpointWarning }),
    ...(result.replayed === undefined ? {} : { replayed: result.replayed }),
  };
  if (result.status === 'in-progress') {
    // Not an outcome: no ExportComplete, the next slice goes on.
    deps.logger.info('export slice ended', {
      status: result.status,
      slices: result.slices,
      progress: result.progress,
      checkpoint: result.checkpointKey,
      ...notes,
      seconds: result.seconds,
    });
    return {
      site: result.site,
      runId: result.runId,
      scheduledAt: run.scheduledAt,
      status: result.status,
      checkpointKey: result.checkpointKey,
      slices: result.slices,
      progress: result.progress,
    };
  }

  const listings = Object.values(result.source);
  const pages = listings.reduce((sum, listing) => sum + listing.pages, 0);
  const retries = listings.reduce((sum, listing) => sum + listing.retries, 0);
  addCount(deps.metrics, metricNames.usersExported, result.counts.users);
  addCount(deps.metrics, metricNames.groupsExported, result.counts.groups);
  addCount(deps.metrics, metricNames.pages, pages);
  addCount(deps.metrics, metricNames.retries, retries);
  addCount(deps.metrics, metricNames.exportComplete, result.status === 'complete' ? 1 : 0);
  addCount(deps.metrics, metricNames.exportSlices, result.slices);
  deps.logger.info('export finished', {
    status: result.status,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    counts: result.counts,
    pages,
    retries,
    alreadyComplete: result.alreadyComplete,
    slices: result.slices,
    ...notes,
    latestMoved: result.latestMoved,
    ...(result.latestWarning === undefined ? {} : { latestWarning: result.latestWarning }),
    manifest: result.manifestLocation,
    seconds: result.seconds,
  });
  return {
    site: result.site,
    runId: result.runId,
    scheduledAt: run.scheduledAt,
    status: result.status,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    counts: result.counts,
    manifestKey: result.manifestKey,
  };
}

/** Any error as one Step Functions can match on: a credentials format mistake is config, the rest a site failure. */
function asExportError(error: unknown, site: SiteConfig | undefined): HandlerError {
  if (isHandlerError(error)) return error;
  if (error instanceof ConfigError) return new RollcallConfigError(error.message, { cause: error });
  return siteFailedError(siteFailure(site?.id ?? 'unknown', error));
}

/** Errors the state machine retries: the run goes on, its outcome is not decided yet. */
function isRetried(error: HandlerError): boolean {
  return error instanceof RollcallTransientError || error instanceof RollcallRunBusy;
}
