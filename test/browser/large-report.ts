import { DAY_MS, writeSyntheticSnapshots } from '../../dev/bench/synthetic-snapshots.ts';
import { auditSite } from '../../functions/audit/audit-site.ts';
import { parseConfig } from '../../functions/config/load-config.ts';
import { FileStore } from '../../functions/store/file-store.ts';

const TODAY = new Date('2026-11-22T02:00:00Z');

/**
 * The report.html of a synthetic site of `users` users and 2,000 groups, 2 % churn overnight,
 * audited by the streamed audit into a file:// store in `directory`: what a large customer's
 * auditor opens in the morning. Returns the report's path.
 */
export async function writeLargeReport(directory: string, users: number): Promise<string> {
  const store = new FileStore(directory);
  await writeSyntheticSnapshots(
    store,
    'large',
    { users, groups: 2_000, churn: 0.02, yesterday: new Date(TODAY.getTime() - DAY_MS), today: TODAY },
    'browser-test',
  );
  const config = parseConfig(
    JSON.stringify({
      store: 'file://./',
      sites: [{ id: 'large', provider: 'periscope-v1', credentials: { env: 'UNUSED' } }],
    }),
    'large report config',
  );
  const site = config.sites[0];
  if (site === undefined) throw new Error('the large report config has no site');
  const result = await auditSite(site, {}, { store, toolVersion: 'browser-test', spillDirectory: directory });
  if (result.status !== 'audited')
    throw new Error(`the large site was not audited: ${JSON.stringify(result)}`);
  return result.reports.html;
}
