/**
 * The evidence function: writes evidence.xlsx of one audited run (`{ "site", "runId" }`, the
 * audit's own event) beside its other reports. Its own function because exceljs would take the
 * audit's bundle past 1.5 MB. Thin: it parses the event, calls the core and maps a failure to a
 * typed error (a store that failed is transient and retried) and one log line.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { SiteConfig } from '../config/schema.ts';
import { siteFailure } from '../export/site-failure.ts';
import { type HandlerError, isHandlerError, siteFailedError } from '../lambda/errors.ts';
import { type EvidenceOutput, evidenceEventSchema, parseEvent } from '../lambda/events.ts';
import { logFailure } from '../lambda/observability.ts';
import { coldStart, defaultShellDeps, type ShellDeps } from '../lambda/shell.ts';
import { adapterFor, isProviderId } from '../providers/registry.ts';
import { reportFiles, reportRunPrefix } from '../reports/layout.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import type { PrivilegeEvidence } from '../shared/model.ts';
import { TOOL_VERSION } from '../shared/tool-version.ts';
import { writeEvidence } from './write-evidence.ts';

export interface EvidenceHandlerDeps extends ShellDeps {
  readonly clock: Clock;
}

export type EvidenceHandler = MiddyfiedHandler<unknown, EvidenceOutput>;

export function createEvidenceHandler(deps: EvidenceHandlerDeps): EvidenceHandler {
  const shell = coldStart(deps);
  return middy<unknown, EvidenceOutput>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logMetrics(deps.metrics))
    .handler(async (event: unknown): Promise<EvidenceOutput> => {
      let site: SiteConfig | undefined;
      try {
        const { site: config, store } = shell();
        site = config;
        const { runId } = parseEvent(evidenceEventSchema, event, 'evidence event', config.id);
        deps.logger.appendKeys({ runId });
        const evidenceLocation = await writeEvidence({
          store,
          site: config.id,
          runId,
          settings: config.audit,
          toolVersion: TOOL_VERSION,
          clock: deps.clock,
          privilegeFallback: registryPrivilege,
        });
        deps.logger.info('evidence written', { evidence: evidenceLocation });
        return {
          site: config.id,
          runId,
          evidenceKey: `${reportRunPrefix(config.id, runId)}${reportFiles.evidence}`,
          evidenceLocation,
        };
      } catch (error) {
        const thrown = asEvidenceError(error, site);
        logFailure(deps.logger, 'evidence failed', thrown);
        throw thrown;
      }
    });
}

export const handler: EvidenceHandler = createEvidenceHandler({
  ...defaultShellDeps(process.env),
  clock: systemClock,
});

/**
 * How a provider shows administrators, for manifests written before they recorded it: the one file
 * under evidence/ that reads the registry, as the audit's handler does.
 */
function registryPrivilege(provider: string): PrivilegeEvidence | undefined {
  return isProviderId(provider) ? adapterFor(provider).capabilities.privilege : undefined;
}

function asEvidenceError(error: unknown, site: SiteConfig | undefined): HandlerError {
  if (isHandlerError(error)) return error;
  return siteFailedError(siteFailure(site?.id ?? 'unknown', error));
}
