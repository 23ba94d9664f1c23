import type { SiteConfig } from '../config/schema.ts';
import { type AuditDeps, type AuditOptions, auditSite, type SiteAuditResult } from './audit-site.ts';

/** Audits sites one after the other: a site that cannot be audited does not stop the others. */
export async function auditSites(
  sites: readonly SiteConfig[],
  options: AuditOptions,
  deps: AuditDeps,
): Promise<SiteAuditResult[]> {
  const results: SiteAuditResult[] = [];
  for (const site of sites) results.push(await auditSite(site, options, deps));
  return results;
}
