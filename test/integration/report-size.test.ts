import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CHANGES_CAP } from '../../functions/reports/capped.ts';
import { REPORT_FINDINGS_CAP } from '../../functions/reports/finding-selection.ts';
import { type AuditedSite, auditSyntheticSite } from '../support/synthetic-audit.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * report.html's size is bounded whatever the number of users: once a site has more findings,
 * attention rows and changes than the page lists, three times the users make a page of the same
 * rows (which findings fill the capped table shifts a little with the mix, hence the 3 %): the
 * browser test's 1,000,000-user page is no accident of that size. Four groups make every changed
 * user likely to become an administrator, so the attention lists reach their cap here too.
 */
const SMALLER = 8_000;
const LARGER = 24_000;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const audited = new Map<number, { result: AuditedSite; bytes: number }>();

async function audit(users: number): Promise<void> {
  // 60 % churn: about 1,600 users added, removed and changed at the smaller size, above the cap.
  const result = await auditSyntheticSite(join(temp.path, String(users)), { users, groups: 4, churn: 0.6 });
  audited.set(users, { result, bytes: (await stat(result.reports.html)).size });
}

beforeAll(async () => {
  temp = await makeTempDir('report-size');
  await audit(SMALLER);
  await audit(LARGER);
}, 120_000);

afterAll(async () => {
  await temp.remove();
});

describe('report.html above its caps', () => {
  it('lists fewer findings and changes than the smaller site has', () => {
    const { summary } = audited.get(SMALLER)?.result ?? {};
    const findings = summary?.findings.byStatus;
    expect((findings?.FAIL ?? 0) + (findings?.UNKNOWN ?? 0)).toBeGreaterThan(REPORT_FINDINGS_CAP);
    expect(summary?.changes?.usersAdded).toBeGreaterThan(REPORT_CHANGES_CAP);
    expect(summary?.changes?.usersRemoved).toBeGreaterThan(REPORT_CHANGES_CAP);
    expect(summary?.changes?.usersChanged).toBeGreaterThan(REPORT_CHANGES_CAP);
  });

  it('lists as many rows at both sizes: every capped list is full', async () => {
    const rows = async (users: number) => {
      const html = await readFile(audited.get(users)?.result.reports.html ?? '', 'utf8');
      return {
        findings: html.split('<tr data-status=').length - 1,
        attention: section(html, 'attention').split('<tr>').length - 1,
        changes: section(html, 'changes').split('<tr>').length - 1,
      };
    };
    const smaller = await rows(SMALLER);
    expect(smaller.findings).toBe(REPORT_FINDINGS_CAP);
    expect(await rows(LARGER)).toEqual(smaller);
  });

  it('is the same size, within 3 %, for three times the users, and far below 5 MB', () => {
    const smaller = audited.get(SMALLER)?.bytes ?? 0;
    const larger = audited.get(LARGER)?.bytes ?? Number.POSITIVE_INFINITY;
    expect(Math.abs(larger - smaller) / smaller).toBeLessThan(0.03);
    expect(larger).toBeLessThan(5 * 1024 * 1024);
  });
});

function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  return html.slice(start, html.indexOf('</section>', start));
}
