import type { SiteConfig } from '../config/schema.ts';
import type { CredentialSources } from '../credentials/resolve-credentials.ts';
import { writeFailureRecord } from '../runs/failure-record.ts';
import { ConfigError } from '../shared/errors.ts';
import { futureScheduleProblem } from '../shared/scheduled-time.ts';
import { runIdFor } from '../snapshot/layout.ts';
import { type ExportDeps, exportSite, type SiteExportResult } from './export-site.ts';
import { prepareSites } from './prepare-sites.ts';
import { siteFailure } from './site-failure.ts';

export interface ExportRunResult {
  readonly runId: string;
  readonly scheduledAt: string;
  readonly sites: readonly SiteExportResult[];
  /** True when every selected site exported completely. */
  readonly ok: boolean;
}

/**
 * Exports several sites one after another; a site that fails does not stop the others, and
 * leaves a failure record in its run's folder instead of a snapshot. A run scheduled more than a
 * day ahead of the clock is refused before anything is read.
 */
export async function exportSites(
  sites: readonly SiteConfig[],
  scheduledAt: Date,
  credentialSources: CredentialSources,
  deps: ExportDeps,
): Promise<ExportRunResult> {
  const ahead = futureScheduleProblem(scheduledAt, deps.clock.now());
  if (ahead) throw new ConfigError(`the scheduled time ${scheduledAt.toISOString()} ${ahead}.`);
  const runId = runIdFor(scheduledAt);
  const results: SiteExportResult[] = [];
  for (const prepared of await prepareSites(sites, credentialSources)) {
    if (deps.interrupt?.aborted) break;
    const { site } = prepared;
    const result: SiteExportResult =
      'failure' in prepared
        ? {
            site: site.id,
            provider: site.provider,
            runId,
            seconds: 0,
            ...siteFailure(site.id, prepared.failure),
          }
        : await exportSite(site, prepared.adapter, prepared.credentials, scheduledAt, deps);
    // A run another export holds is that export's to record: the refused one writes nothing there.
    if (result.status === 'failed' && result.failure !== 'busy')
      await recordFailure(result, scheduledAt, deps);
    results.push(result);
  }
  return {
    runId,
    scheduledAt: scheduledAt.toISOString(),
    sites: results,
    ok: results.every((result) => result.status === 'complete'),
  };
}

async function recordFailure(
  result: Extract<SiteExportResult, { status: 'failed' }>,
  scheduledAt: Date,
  deps: ExportDeps,
): Promise<void> {
  try {
    await writeFailureRecord(deps.store, {
      schemaVersion: 1,
      site: result.site,
      provider: result.provider,
      runId: result.runId,
      scheduledAt: scheduledAt.toISOString(),
      failedAt: deps.clock.now().toISOString(),
      failure: result.failure,
      reason: result.reason,
    });
  } catch {
    // The export already failed and says why; a store that cannot take the record either is
    // that same failure (or its cause) and must not hide the message that names it.
  }
}
