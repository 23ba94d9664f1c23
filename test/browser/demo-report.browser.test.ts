import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOvernightChanges, type OvernightChanges } from '../../dev/demo/overnight-changes.ts';
import { demoAuditSettings, demoSiteOptions } from '../../dev/demo/scenario.ts';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import type { Summary } from '../../functions/reports/summary.ts';
import { runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { launch, watchedPage } from './chromium.ts';

/** The window the report must lead in: what a laptop shows before any scrolling. */
const WINDOW = { width: 1280, height: 800 };
const YESTERDAY = new Date('2026-11-21T02:00:00Z');
const TODAY = new Date('2026-11-22T02:00:00Z');

const cleanups: (() => Promise<void>)[] = [];
let browser: Browser | undefined;
let page: Page;
let changes: OvernightChanges;
let summary: Summary;
const problems: string[] = [];

/** The demo's two nights (`npm start`), into a file store, and its report opened in Chromium. */
beforeAll(async () => {
  const site = await startPeriscopeV1Emulator({ ...demoSiteOptions, referenceDate: YESTERDAY.toISOString() });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('demo-report');
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: [
      {
        id: 'demo',
        provider: 'periscope-v1',
        baseUrl: site.url,
        credentials: { env: 'DEMO' },
        audit: demoAuditSettings(site.state, TODAY),
      },
    ],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  const run = (argv: readonly string[]) =>
    runRollcall(argv, {
      cwd: temp.path,
      env: { DEMO: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
    });
  expect((await run(['export', '--as-of', YESTERDAY.toISOString()])).code).toBe(0);
  changes = applyOvernightChanges(site.state, TODAY);
  await run(['run', '--as-of', TODAY.toISOString()]);
  const audited = await run(['audit', '--json']);
  const [result] = JSON.parse(audited.stdout).sites;
  summary = result.summary;
  browser = await launch();
  const context = await browser.newContext({ viewport: WINDOW });
  await context.route('**/*', (route) =>
    route.request().url().startsWith('file://') ? route.continue() : route.abort('blockedbyclient'),
  );
  page = await watchedPage(context, problems);
  await page.goto(pathToFileURL(result.reports.html.replace(/^file:\/\//, '')).href, { waitUntil: 'load' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Whether the element lies wholly inside the first screen of the window. */
async function aboveTheFold(selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  return box !== null && box.y >= 0 && box.y + box.height <= WINDOW.height;
}

describe('the demo’s report in a 1280×800 window', () => {
  it('shows the three new administrators, by name and e-mail, above the fold', async () => {
    expect(changes.madeAdministrators).toHaveLength(3);
    const rows = page.locator('#attention-grants + .table-wrap tbody tr');
    expect(await rows.count()).toBe(3);
    for (const [index, email] of changes.madeAdministrators.entries()) {
      const row = rows.nth(index);
      expect(await row.textContent()).toContain(email);
      expect(await aboveTheFold(`#attention-grants + .table-wrap tbody tr:nth-child(${index + 1})`)).toBe(
        true,
      );
    }
  });

  it('shows administrators without two-factor authentication above the fold, the rest folded away', async () => {
    expect(summary.findings.failsByRule['mfa-missing'].high).toBeGreaterThan(0);
    expect(await aboveTheFold('#attention-mfa + .table-wrap')).toBe(true);
  });

  it('shows the deleted group and the command that restores it above the fold', async () => {
    const row = page.locator('#attention-groups + .table-wrap tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(changes.removedGroup.name);
    expect(await row.textContent()).toContain(summary.highSeverityChanges?.[0]?.restoreCommand);
    expect(await aboveTheFold('#attention-groups + .table-wrap tbody tr')).toBe(true);
  });

  it('shows no code names and loads without a console error', async () => {
    const text = await page.locator('body').innerText();
    for (const name of ['mfaEnabled', 'inactiveDays', 'lastLoginAt', 'passwordUpdatedAt'])
      expect(text).not.toContain(name);
    expect(problems).toEqual([]);
  });
});
