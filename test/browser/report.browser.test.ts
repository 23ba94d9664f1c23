import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.ts';
import { launch, watchedPage } from './chromium.ts';
import { type SampleReportExpectations, writeSampleReport } from './sample-report.ts';

const screenshotPath = join('test-output', 'browser', 'report.png');
const count = new Intl.NumberFormat('en-US');

let temp: Awaited<ReturnType<typeof makeTempDir>> | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let reportUrl: string;
let expected: SampleReportExpectations;
/** Console errors and warnings (a CSP violation is one) and uncaught page errors. */
const problems: string[] = [];
/** Every request the page made. */
const requests: string[] = [];
/** Requests the route refused because they were not for a local file. */
const blocked: string[] = [];

beforeAll(async () => {
  temp = await makeTempDir('browser');
  const report = await writeSampleReport(temp.path);
  expected = report.expected;
  reportUrl = pathToFileURL(report.path).href;
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  page = await watchedPage(context, problems);
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(reportUrl, { waitUntil: 'load' });
  await mkdir(join('test-output', 'browser'), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });
});

afterAll(async () => {
  await browser?.close();
  await temp?.remove();
});

describe('report.html in headless Chromium', () => {
  it('shows the headline numbers', async () => {
    expect(await page.locator('[data-metric="users"]').textContent()).toBe(count.format(expected.users));
    expect(await page.locator('[data-metric="fail"]').textContent()).toBe(count.format(expected.fails));
    expect(await page.locator('[data-metric="high"]').textContent()).toBe(count.format(expected.high));
    for (const metric of ['groups', 'memberships', 'excepted', 'added', 'removed', 'verdict']) {
      await expect.poll(() => page.locator(`[data-metric="${metric}"]`).isVisible()).toBe(true);
    }
  });

  it('lists every FAIL in the findings table, with the hostile email shown as text', async () => {
    await expect.poll(() => page.locator('#findings table').isVisible()).toBe(true);
    expect(await page.locator('#findings tbody tr[data-status="FAIL"]').count()).toBe(expected.fails);
    const cells = await page.locator('#findings tbody td').allTextContents();
    expect(cells).toContain(expected.userEmailInFindings);
  });

  it('runs no script and lets no markup from the data through', async () => {
    const injected = {
      scripts: await page.locator('script').count(),
      images: await page.locator('img, iframe, object, embed, link').count(),
      headings: await page.locator('h1').count(),
      // A string, evaluated in the page: the project's TypeScript has no DOM types.
      handlers: await page.evaluate<number>(
        '[...document.querySelectorAll("*")].filter((e) => e.getAttributeNames().some((n) => n.startsWith("on"))).length',
      ),
    };
    expect(injected).toEqual({ scripts: 0, images: 0, headings: 1, handlers: 0 });
  });

  it('draws both charts as visible SVGs with a size and a data table', async () => {
    for (const section of ['#findings-by-rule', '#history']) {
      const svg = page.locator(`${section} figure svg`);
      expect(await svg.count()).toBe(1);
      expect(await svg.isVisible()).toBe(true);
      const box = await svg.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(100);
      expect(box?.height ?? 0).toBeGreaterThan(100);
      expect(await svg.locator('path').count()).toBeGreaterThan(5);
      expect(await page.locator(`${section} figure figcaption`).isVisible()).toBe(true);
      expect(await page.locator(`${section} figure table`).count()).toBe(1);
    }
  });

  it('renders the changes and the evidence', async () => {
    expect(await page.locator('#changes').isVisible()).toBe(true);
    expect((await page.locator('#changes').textContent())?.length ?? 0).toBeGreaterThan(50);
    expect(await page.locator('#evidence').isVisible()).toBe(true);
    expect(await page.locator('#evidence table').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#evidence').textContent()).toMatch(/[0-9a-f]{64}/);
  });

  it('logs no console error or warning (a CSP violation would be one)', () => {
    expect(problems).toEqual([]);
  });

  it('requests nothing but the report file itself', () => {
    expect(blocked).toEqual([]);
    expect(requests).toEqual([reportUrl]);
    expect(requests.every((url) => url.startsWith('file://'))).toBe(true);
  });

  it('saves a full-page screenshot for people to look at', async () => {
    expect((await stat(screenshotPath)).size).toBeGreaterThan(10_000);
  });

  it('would notice a CSP violation: an inline style attribute in the same page is reported', async () => {
    if (temp === undefined || context === undefined) throw new Error('beforeAll did not run');
    const html = await readFile(new URL(reportUrl), 'utf8');
    const tampered = join(temp.path, 'tampered.html');
    await writeFile(tampered, html.replace('<main>', '<main><p style="color: red">tampered</p>'), 'utf8');
    const seen: string[] = [];
    const other = await watchedPage(context, seen);
    await other.goto(pathToFileURL(tampered).href, { waitUntil: 'load' });
    await expect.poll(() => seen.join('\n')).toMatch(/Content Security Policy/i);
    await other.close();
  });
});
