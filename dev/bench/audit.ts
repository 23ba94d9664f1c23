/**
 * `npm run bench:audit`: two synthetic snapshots of 200,000 users and 2,000 groups with 2 %
 * churn between them, then one audit in a fresh process: one merge walk over both snapshots
 * (audit and diff) while the run is re-hashed beside it, and every report written; then, in a
 * process of its own, evidence.xlsx. Prints wall seconds and peak RSS of each. Figures, not
 * assertions: the README quotes them.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SiteAuditResult } from '../../functions/audit/audit-site.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { DAY_MS, writeSyntheticSnapshots } from './synthetic-snapshots.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200000' },
    groups: { type: 'string', default: '2000' },
    churn: { type: 'string', default: '0.02' },
  },
});
const users = Number(values.users);
const groups = Number(values.groups);
const churn = Number(values.churn);
const today = new Date('2026-11-22T02:00:00Z');

const directory = await mkdtemp(join(tmpdir(), 'rollcall-bench-audit-'));
try {
  process.stdout.write(
    `writing two snapshots of ${users.toLocaleString('en-US')} users (${churn * 100} % churn)…\n`,
  );
  const written = await writeSyntheticSnapshots(
    new FileStore(directory),
    'bench',
    { users, groups, churn, yesterday: new Date(today.getTime() - DAY_MS), today },
    TOOL_VERSION,
  );
  const config = JSON.stringify({
    store: 'file://./',
    sites: [{ id: 'bench', provider: 'periscope-v1', credentials: { env: 'UNUSED' } }],
  });
  const measure = <T>(script: string, input: Record<string, unknown>) => {
    const child = fork(
      join(import.meta.dirname, script),
      [JSON.stringify({ config, cwd: directory, ...input })],
      {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    return new Promise<T>((resolve, reject) => {
      child.once('message', (message) => resolve(message as T));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${script} exited with code ${code}`)));
    });
  };
  const measured = await measure<{ seconds: number; peakRssMb: number; result: SiteAuditResult }>(
    'audit-process.ts',
    {},
  );
  const { result } = measured;
  if (result.status !== 'audited') throw new Error(`the audit did not run: ${JSON.stringify(result)}`);
  const { summary } = result;
  const htmlBytes = (await stat(result.reports.html)).size;
  // The workbook is written after the audit by a process of its own, as its own function on AWS.
  const evidence = await measure<{ seconds: number; peakRssMb: number; location: string }>(
    'evidence-process.ts',
    { runId: result.runId },
  );
  const evidenceBytes = (await stat(evidence.location)).size;
  const figures: [string, string][] = [
    [
      'users (yesterday → today)',
      `${written.users[0].toLocaleString('en-US')} → ${written.users[1].toLocaleString('en-US')}`,
    ],
    ['groups', groups.toLocaleString('en-US')],
    [
      'findings (FAIL / UNKNOWN)',
      `${summary.findings.byStatus.FAIL.toLocaleString('en-US')} / ${summary.findings.byStatus.UNKNOWN.toLocaleString('en-US')}`,
    ],
    [
      'changes (users +/−/~)',
      `${summary.changes?.usersAdded} / ${summary.changes?.usersRemoved} / ${summary.changes?.usersChanged}`,
    ],
    ['memberships (+/−)', `${summary.changes?.membershipsGained} / ${summary.changes?.membershipsLost}`],
    [
      'report.html',
      `${(htmlBytes / 1024 / 1024).toFixed(2)} MB (${htmlBytes.toLocaleString('en-US')} bytes; target ≤ 5 MB)`,
    ],
    [
      'wall (walk + verify + audit + diff + reports)',
      `${measured.seconds.toFixed(2)} s   (target ≤ 15 s at 1,000,000 users)`,
    ],
    ['peak RSS of the audit process', `${measured.peakRssMb.toFixed(0)} MB   (target ≤ 512 MB)`],
    [
      'evidence.xlsx',
      `${(evidenceBytes / 1024 / 1024).toFixed(2)} MB (${evidenceBytes.toLocaleString('en-US')} bytes)`,
    ],
    ['wall of the evidence workbook', `${evidence.seconds.toFixed(2)} s`],
    ['peak RSS of the workbook process', `${evidence.peakRssMb.toFixed(0)} MB`],
  ];
  const width = Math.max(...figures.map(([name]) => name.length));
  process.stdout.write(`\nrollcall bench:audit (${new Date().toISOString().slice(0, 10)})\n`);
  for (const [name, value] of figures) process.stdout.write(`  ${name.padEnd(width)}  ${value}\n`);
} finally {
  await rm(directory, { recursive: true, force: true });
}
