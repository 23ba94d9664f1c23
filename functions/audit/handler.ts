/**
 * The audit function: audits one run of the site (the export's output, `{ "site", "runId" }`)
 * against the complete run before it and writes its reports. Thin: it parses the event, calls the
 * core's audit and maps the result to the output, a typed error, metrics and one log line.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { SiteConfig } from '../config/schema.ts';
import { siteFailure } from '../export/site-failure.ts';
import { metricNames } from '../lambda/contract.ts';
import { type HandlerError, isHandlerError, RollcallAuditFailed } from '../lambda/errors.ts';
import { type AuditEvent, type AuditOutput, auditEventSchema, parseEvent } from '../lambda/events.ts';
import { addCount, logFailure } from '../lambda/observability.ts';
import { coldStart, defaultShellDeps, type ShellDeps, type SiteShell } from '../lambda/shell.ts';
import { adapterFor, isProviderId } from '../providers/registry.ts';
import { reportFiles, reportRunPrefix } from '../reports/layout.ts';
import { TOOL_VERSION } from '../shared/tool-version.ts';
import { auditSite, type ProviderFacts } from './audit-site.ts';

export type AuditHandlerDeps = ShellDeps;

export type AuditHandler = MiddyfiedHandler<unknown, AuditOutput>;

export function defaultAuditDeps(env: Readonly<Record<string, string | undefined>>): AuditHandlerDeps {
  return defaultShellDeps(env);
}

/**
 * The audit handler over the given clients. Returns the verdict and the FAIL counts; throws
 * RollcallAuditFailed when the run cannot be audited (no such run, incomplete or tampered, or a
 * failure), RollcallBadEvent or RollcallConfigError when the wiring is wrong.
 */
export function createAuditHandler(deps: AuditHandlerDeps): AuditHandler {
  const shell = coldStart(deps);
  return middy<unknown, AuditOutput>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logMetrics(deps.metrics))
    .handler(async (event: unknown): Promise<AuditOutput> => {
      let site: SiteConfig | undefined;
      try {
        const ready = shell();
        site = ready.site;
        return await auditOnce(parseEvent(auditEventSchema, event, 'audit event', site.id), ready, deps);
      } catch (error) {
        const thrown = asAuditError(error, site);
        logFailure(deps.logger, 'audit failed', thrown);
        throw thrown;
      }
    });
}

export const handler: AuditHandler = createAuditHandler(defaultAuditDeps(process.env));

async function auditOnce(
  event: AuditEvent,
  { site, store }: SiteShell,
  deps: AuditHandlerDeps,
): Promise<AuditOutput> {
  deps.logger.appendKeys({ runId: event.runId });
  const result = await auditSite(
    site,
    { runId: event.runId },
    { store, toolVersion: TOOL_VERSION, providerFacts: registryProviderFacts },
  );
  if (result.status !== 'audited') {
    throw new RollcallAuditFailed(
      result.status,
      result.reason,
      result.status === 'failed' && result.error !== undefined ? { cause: result.error } : undefined,
    );
  }
  const { summary } = result;
  const fails = summary.findings.failsBySeverity;
  const verdict = summary.verdict?.status ?? 'ok';
  addCount(deps.metrics, metricNames.findingsHigh, fails.high);
  addCount(deps.metrics, metricNames.findingsMedium, fails.medium);
  addCount(deps.metrics, metricNames.findingsLow, fails.low);
  addCount(deps.metrics, metricNames.massChangeSuspect, verdict === 'suspect' ? 1 : 0);
  deps.logger.info('audit finished', {
    previousRunId: result.previousRunId ?? null,
    verdict,
    ...(verdict === 'suspect' ? { verdictReasons: summary.verdict?.reasons } : {}),
    failsBySeverity: fails,
    counts: summary.counts,
    changes: summary.changes,
    report: result.reports.html,
  });
  return {
    site: result.site,
    runId: result.runId,
    ...(result.previousRunId === undefined ? {} : { previousRunId: result.previousRunId }),
    verdict,
    verdictReasons: verdict === 'suspect' ? [...(summary.verdict?.reasons ?? [])] : [],
    highSeverityChanges: (summary.highSeverityChanges ?? []).map(
      (change) => `HIGH: ${change.detail} Restore it and its members: ${change.restoreCommand}`,
    ),
    failsBySeverity: { high: fails.high, medium: fails.medium, low: fails.low },
    reportKey: `${reportRunPrefix(result.site, result.runId)}${reportFiles.html}`,
    reportLocation: result.reports.html,
  };
}

/** Any error as one Step Functions can match on: whatever is not the wiring's fault is an audit failure. */
function asAuditError(error: unknown, site: SiteConfig | undefined): HandlerError {
  if (isHandlerError(error)) return error;
  const failure = siteFailure(site?.id ?? 'unknown', error);
  return new RollcallAuditFailed('failed', failure.reason, { cause: error });
}

/**
 * The shell's fallback for manifests written before they recorded the provider's name and
 * capabilities: this Lambda entry point is the one file under audit/ that reads the registry.
 */
function registryProviderFacts(provider: string): ProviderFacts | undefined {
  if (!isProviderId(provider)) return undefined;
  const adapter = adapterFor(provider);
  return { name: adapter.displayName, capabilities: adapter.capabilities };
}
