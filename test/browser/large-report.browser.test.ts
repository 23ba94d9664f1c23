import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.ts';
import { writeLargeReport } from './large-report.ts';

/**
 * The report of a large site, opened in headless Chromium. 200,000 users by default: the largest
 * site whose two snapshots this test can generate in about a minute on two cores; the page's size
 * does not depend on the number of users beyond the caps (test/integration/report-size.test.ts
 * shows it), so this page stands for a 1,000,000-user one. ROLLCALL_LARGE_REPORT_USERS sets another size.
 */
const USERS = Number(process.env.ROLLCALL_LARGE_REPORT_USERS ?? 200_000);
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
  const path = await writeLargeReport(temp.path, USERS);
  reportBytes = (await stat(path)).size;
  reportUrl = pathToFileURL(path).href;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) =>
    route.request().url().startsWith('file://') ? route.continue() : route.abort('blockedbyclient'),
  );
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
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
