import { DAY_MS, writeSyntheticSnapshots } from '../../dev/bench/synthetic-snapshots.ts';
import { auditSite, type SiteAuditResult } from '../../functions/audit/audit-site.ts';
import { parseConfig } from '../../functions/config/load-config.ts';
import { FileStore } from '../../functions/store/file-store.ts';

const TODAY = new Date('2026-11-22T02:00:00Z');

export type AuditedSite = Extract<SiteAuditResult, { status: 'audited' }>;

/**
 * Two synthetic snapshots a day apart (see synthetic-snapshots.ts) of site `synthetic`, written to
 * a file:// store in `directory` and audited there by the streamed audit, as the CLI would.
 */
export async function auditSyntheticSite(
  directory: string,
  site: { readonly users: number; readonly groups: number; readonly churn: number },
): Promise<AuditedSite> {
  const store = new FileStore(directory);
  await writeSyntheticSnapshots(
    store,
    'synthetic',
    { ...site, yesterday: new Date(TODAY.getTime() - DAY_MS), today: TODAY },
    'synthetic-audit',
  );
  const config = parseConfig(
    JSON.stringify({
      store: 'file://./',
      sites: [{ id: 'synthetic', provider: 'periscope-v1', credentials: { env: 'UNUSED' } }],
    }),
    'synthetic site config',
  );
  const [siteConfig] = config.sites;
  if (siteConfig === undefined) throw new Error('the synthetic site config has no site');
  const result = await auditSite(siteConfig, {}, { store, toolVersion: 'synthetic-audit' });
  if (result.status !== 'audited')
    throw new Error(`the synthetic site was not audited: ${JSON.stringify(result)}`);
  return result;
}
