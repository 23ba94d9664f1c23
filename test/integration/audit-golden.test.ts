import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, writeSyntheticSnapshots } from '../../dev/bench/synthetic-snapshots.ts';
import { auditSite } from '../../functions/audit/audit-site.ts';
import { diffRuns } from '../../functions/audit/diff-runs.ts';
import { parseConfig } from '../../functions/config/load-config.ts';
import type { SiteConfig } from '../../functions/config/schema.ts';
import { reportFiles, reportRunPrefix } from '../../functions/reports/layout.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * The audit's reports for a fixed synthetic site, byte for byte, against files written by the
 * audit that loaded whole snapshots into memory (before the streamed audit replaced it). Only
 * report.html is left out: its page was redesigned on purpose (capped tables, what needs
 * attention first). `ROLLCALL_UPDATE_GOLDEN=1` rewrites the files after a deliberate change.
 */
const GOLDEN = join(import.meta.dirname, '..', 'golden', 'audit');
const TODAY = new Date('2026-11-22T02:00:00Z');
const YESTERDAY_RUN = '20261121T020000Z';
const TODAY_RUN = '20261122T020000Z';
const compared = ['summary', 'findingsCsv', 'findingsJson', 'changesCsv', 'diffJson'] as const;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let store: FileStore;
let site: SiteConfig;

beforeAll(async () => {
  temp = await makeTempDir('audit-golden');
  store = new FileStore(temp.path);
  await writeSyntheticSnapshots(
    store,
    'golden',
    {
      users: 200,
      groups: 30,
      churn: 0.3,
      older: new Date(TODAY.getTime() - 30 * DAY_MS),
      yesterday: new Date(TODAY.getTime() - DAY_MS),
      today: TODAY,
    },
    'golden',
  );
  // Exceptions in force and expired, by key and by email in another case, on every rule.
  const exceptions = Array.from({ length: 40 }, (_, index) => ({
    user: `USER${String(index).padStart(7, '0')}@bench.example`,
    rule: ['mfa-missing', 'inactive', 'never-logged-in', 'password-stale', 'privileged-grant'][index % 5],
    reason: `reason ${index}`,
    owner: 'it@bench.example',
    expires: index % 2 === 0 ? '2027-01-31' : '2026-10-31',
  }));
  const config = parseConfig(
    JSON.stringify({
      store: 'file://./',
      sites: [
        {
          id: 'golden',
          provider: 'periscope-v1',
          credentials: { env: 'UNUSED' },
          audit: { privilegedGroups: ['Administrators', 'Team 0005'], exceptions },
        },
      ],
    }),
    'golden config',
  );
  site = config.sites[0] as SiteConfig;
}, 60_000);

afterAll(async () => {
  await temp?.remove();
});

/** The report file as the golden copy holds it: the store's own folder is the one thing that varies. */
async function reportText(runId: string, name: keyof typeof reportFiles): Promise<string> {
  const bytes = await store.get(`${reportRunPrefix('golden', runId)}${reportFiles[name]}`);
  if (!bytes) throw new Error(`${reportFiles[name]} was not written`);
  return bytes.toString('utf8').replaceAll(JSON.stringify(temp.path).slice(1, -1), '<store>');
}

async function expectGolden(name: string, actual: string): Promise<void> {
  // `.golden`, so no formatter ever touches the bytes compared.
  const path = join(GOLDEN, `${name}.golden`);
  if (process.env.ROLLCALL_UPDATE_GOLDEN === '1') {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(path, actual);
  }
  expect(actual === (await readFile(path, 'utf8')), `${name} differs from its golden copy`).toBe(true);
}

describe('the audit reports of a fixed site, against golden files', () => {
  it('writes the same summary, findings, changes and diff as the in-memory audit did', async () => {
    const result = await auditSite(site, {}, { store, toolVersion: 'golden' });
    expect(result.status).toBe('audited');
    for (const name of compared)
      await expectGolden(`today-${reportFiles[name]}`, await reportText(TODAY_RUN, name));
  });

  it('audits a run against its own predecessor, first-seen dates included', async () => {
    const result = await auditSite(site, { runId: YESTERDAY_RUN }, { store, toolVersion: 'golden' });
    expect(result.status).toBe('audited');
    for (const name of compared)
      await expectGolden(`yesterday-${reportFiles[name]}`, await reportText(YESTERDAY_RUN, name));
  });

  it('compares two runs for the diff command exactly as before', async () => {
    const result = await diffRuns(site, YESTERDAY_RUN, TODAY_RUN, {}, store);
    expect(result.status).toBe('compared');
    if (result.status !== 'compared') return;
    await expectGolden('today-diff.json', `${JSON.stringify(result.diff, null, 2)}\n`);
  });
});
