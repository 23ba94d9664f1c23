import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSyntheticSite } from '../support/synthetic-audit.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { launch, watchedPage } from './chromium.ts';

/**
 * The report of a 1,000,000-user site, opened in headless Chromium: its two synthetic snapshots
 * and the audit take about two minutes on two cores. ROLLCALL_LARGE_REPORT_USERS sets another
 * size for a quicker run; above the caps the page's size does not depend on the number of users
 * (test/integration/report-size.test.ts).
 */
const USERS = Number(process.env.ROLLCALL_LARGE_REPORT_USERS ?? 1_000_000);
const MAX_BYTES = 5 * 1024 * 1024;

let temp: Awaited<ReturnType<typeof makeTempDir>> | undefined;
let browser: Browser | undefined;
let page: Page;
let reportUrl: string;
let reportBytes: number;
const problems: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  temp = await makeTempDir('large-report');
  // 2,000 groups and 2 % churn overnight: what a large customer's auditor opens in the morning.
  const { reports } = await auditSyntheticSite(temp.path, { users: USERS, groups: 2_000, churn: 0.02 });
  const path = reports.html;
  reportBytes = (await stat(path)).size;
  reportUrl = pathToFileURL(path).href;
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) =>
    route.request().url().startsWith('file://') ? route.continue() : route.abort('blockedbyclient'),
  );
  page = await watchedPage(context, problems);
  page.on('request', (request) => requests.push(request.url()));
  const started = performance.now();
  await page.goto(reportUrl, { waitUntil: 'load' });
  const seconds = (performance.now() - started) / 1000;
  // A figure for people, not an assertion: wall time depends on the machine.
  process.stdout.write(
    `large report: ${USERS.toLocaleString('en-US')} users, report.html ${(reportBytes / 1024 / 1024).toFixed(2)} MB, opened in ${seconds.toFixed(2)} s\n`,
  );
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await temp?.remove();
});

describe(`report.html of a ${USERS.toLocaleString('en-US')}-user site in headless Chromium`, () => {
  it('is at most 5 MB', () => {
    expect(reportBytes).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('leads with what needs attention', async () => {
    expect(await page.locator('#attention').isVisible()).toBe(true);
    const sections = await page
      .locator('main > section')
      .evaluateAll((nodes) => nodes.map((node) => node.id));
    expect(sections.indexOf('attention')).toBeLessThan(sections.indexOf('findings'));
    expect(await page.locator('#attention table').count()).toBeGreaterThan(0);
  });

  it('says the findings table is capped and points to findings.csv', async () => {
    const findings = page.locator('#findings');
    expect(await findings.locator('h2').textContent()).toBe('Findings, highest severity first');
    expect(await findings.locator('a[href="findings.csv"]').count()).toBeGreaterThan(0);
    expect(await findings.locator('table.more-findings').isVisible()).toBe(true);
    expect(await findings.locator('table.findings tbody tr').count()).toBe(2_000);
  });

  it('logs no console error or warning', () => {
    expect(problems).toEqual([]);
  });

  it('requests nothing but the report file itself', () => {
    expect(requests).toEqual([reportUrl]);
  });
});
