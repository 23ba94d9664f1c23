import type { SiteConfig } from '../config/schema.ts';
import type { CredentialSources } from '../credentials/resolve-credentials.ts';
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
 * Exports several sites one after another; a site that fails does not stop the others. A run
 * scheduled more than a day ahead of the clock is refused before anything is read.
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
    const { site } = prepared;
    results.push(
      'failure' in prepared
        ? {
            site: site.id,
            provider: site.provider,
            runId,
            seconds: 0,
            ...siteFailure(site.id, prepared.failure),
          }
        : await exportSite(site, prepared.adapter, prepared.credentials, scheduledAt, deps),
    );
  }
  return {
    runId,
    scheduledAt: scheduledAt.toISOString(),
    sites: results,
    ok: results.every((result) => result.status === 'complete'),
  };
}
