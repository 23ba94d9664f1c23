import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyOvernightChanges } from '../../dev/demo/overnight-changes.ts';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import type { Finding } from '../../functions/audit/model.ts';
import { reportFiles, reportRunPrefix } from '../../functions/reports/layout.ts';
import { summarySchema } from '../../functions/reports/summary.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { runRollcall } from '../support/cli.ts';

/** What the browser test may rely on, whatever produced the report. */
export interface SampleReportExpectations {
  readonly users: number;
  /** FAIL findings (rows with status FAIL in the findings table). */
  readonly fails: number;
  /** FAIL findings of high severity. */
  readonly high: number;
  /**
   * An email of a FAIL finding, as the findings table shows it (a cell's text equals it exactly):
   * hostile (it needs escaping) but printable — no control or bidi-override characters, which the
   * report deliberately shows as visible markers instead.
   */
  readonly userEmailInFindings: string;
}

const YESTERDAY = '2026-11-21T02:00:00Z';
const TODAY = '2026-11-22T02:00:00Z';
const HOSTILE_EMAIL = `o'brien+<b>&"admin"@acme.example`;

/**
 * Produces a report.html the way a user does: the Periscope v1 emulator is exported on night 1,
 * a day of changes happens, night 2 is exported and audited with the real CLI into a file://
 * store in `directory`. The expectations are read back from the audit's summary.json and
 * findings.json, never from the page.
 */
export async function writeSampleReport(
  directory: string,
): Promise<{ path: string; expected: SampleReportExpectations }> {
  const site = await startPeriscopeV1Emulator({ users: 400, groups: 40, referenceDate: YESTERDAY });
  try {
    site.state.addUser({
      email: HOSTILE_EMAIL,
      first_name: '<script>alert(1)</script>',
      last_name: '=HYPERLINK("http://evil.example")',
      groups: ['All Users', 'Administrators'],
      last_login_at: null,
      password_updated_at: null,
      tfa_enabled: false,
    });
    const config = {
      store: 'file://./store',
      sites: [{ id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ACME' } }],
    };
    await writeFile(join(directory, 'rollcall.config.json'), JSON.stringify(config));
    const rollcall = async (argv: string[]) => {
      const run = await runRollcall(argv, {
        cwd: directory,
        env: { ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
      });
      if (run.code !== 0) throw new Error(`rollcall ${argv.join(' ')} exited ${run.code}: ${run.stderr}`);
    };
    await rollcall(['export', '--as-of', YESTERDAY]);
    applyOvernightChanges(site.state, new Date(TODAY));
    await rollcall(['run', '--as-of', TODAY]);
  } finally {
    await site.close();
  }

  const store = new FileStore(join(directory, 'store'));
  const prefix = reportRunPrefix('acme', '20261122T020000Z');
  const read = async (name: string) =>
    JSON.parse((await store.get(`${prefix}${name}`))?.toString('utf8') ?? 'null');
  const summary = summarySchema.parse(await read(reportFiles.summary));
  const findings = (await read(reportFiles.findingsJson)).findings as Finding[];
  const path = join(directory, 'report.html');
  await copyFile(store.locate(`${prefix}${reportFiles.html}`), path);
  if (!findings.some((finding) => finding.status === 'FAIL' && finding.email === HOSTILE_EMAIL))
    throw new Error('the hostile user has no FAIL finding');
  return {
    path,
    expected: {
      users: summary.counts.users,
      fails: summary.findings.byStatus.FAIL,
      high: summary.findings.failsBySeverity.high,
      userEmailInFindings: HOSTILE_EMAIL,
    },
  };
}
