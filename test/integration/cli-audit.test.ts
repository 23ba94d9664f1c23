import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { applyOvernightChanges } from '../../dev/demo/overnight-changes.ts';
import {
  type PeriscopeV1Emulator,
  type PeriscopeV1EmulatorOptions,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { findingsCsvHeader } from '../../functions/reports/findings-csv.ts';
import { type Summary, summarySchema } from '../../functions/reports/summary.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const YESTERDAY = '2026-11-21T02:00:00Z';
const TODAY = '2026-11-22T02:00:00Z';
const YESTERDAY_RUN = '20261121T020000Z';
const TODAY_RUN = '20261122T020000Z';
const reportsOf = (runId: string, date: string) => `reports/site=acme/date=${date}/run=${runId}/`;
const TODAY_REPORTS = reportsOf(TODAY_RUN, '2026-11-22');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Workspace {
  readonly site: PeriscopeV1Emulator;
  readonly store: FileStore;
  run(argv: readonly string[]): Promise<CliRun>;
  text(key: string): Promise<string>;
  summary(prefix?: string): Promise<Summary>;
  csv(key: string): Promise<Record<string, string>[]>;
}

/** One site `acme` on a fresh emulator, a file:// store in a temporary folder. */
async function workspace(
  audit: Record<string, unknown> = {},
  options: PeriscopeV1EmulatorOptions = {},
): Promise<Workspace> {
  const site = await startPeriscopeV1Emulator({
    users: 300,
    groups: 12,
    referenceDate: YESTERDAY,
    ...options,
  });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('cli-audit');
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: [{ id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials: { env: 'ACME' }, audit }],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  const store = new FileStore(join(temp.path, 'backups'));
  const text = async (key: string) => {
    const bytes = await store.get(key);
    if (!bytes) throw new Error(`${key} was not written`);
    return bytes.toString('utf8');
  };
  return {
    site,
    store,
    run: (argv) =>
      runRollcall(argv, {
        cwd: temp.path,
        env: { ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
      }),
    text,
    summary: async (prefix = TODAY_REPORTS) =>
      summarySchema.parse(JSON.parse(await text(`${prefix}summary.json`))),
    csv: async (key) => parse(await text(key), { bom: true, columns: true }) as Record<string, string>[],
  };
}

/** Night 1 exported, a day of changes on the site, night 2 exported and audited. */
async function twoNights(audit: Record<string, unknown> = {}) {
  const ws = await workspace(audit, { users: 1000, groups: 40 });
  expect((await ws.run(['export', '--as-of', YESTERDAY])).code).toBe(0);
  const changes = applyOvernightChanges(ws.site.state, new Date(TODAY));
  const run = await ws.run(['run', '--as-of', TODAY]);
  return { ws, changes, run };
}

const keysOf = (emails: readonly string[]) => emails.map((email) => email.toLowerCase()).sort();
const count = <T>(items: readonly T[], predicate: (item: T) => boolean) => items.filter(predicate).length;

describe('rollcall run: export then audit, from two emulator exports to the report files', () => {
  it('writes findings and changes whose rows match the summary and the changes made on the site', async () => {
    const { ws, changes, run } = await twoNights();

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`rollcall audit · site acme · run ${TODAY_RUN} against ${YESTERDAY_RUN}`);
    expect(run.stdout).toContain('mass-change check: ok');
    expect(run.stdout).toContain(`report:   ${ws.store.locate(`${TODAY_REPORTS}report.html`)}`);
    expect(run.stdout).toContain(`evidence: ${ws.store.locate(`${TODAY_REPORTS}evidence.xlsx`)}`);
    const summary = await ws.summary();
    expect(summary.previousRunId).toBe(YESTERDAY_RUN);
    expect(summary.counts.users).toBe(ws.site.state.userCount);

    const findings = await ws.csv(`${TODAY_REPORTS}findings.csv`);
    expect(Object.keys(findings[0] ?? {})).toEqual([...findingsCsvHeader]);
    for (const rule of summary.rules) {
      const rows = findings.filter((row) => row.rule === rule.rule);
      expect(count(rows, (row) => row.status === 'FAIL')).toBe(rule.fail);
      expect(count(rows, (row) => row.status === 'UNKNOWN')).toBe(rule.unknown);
      expect(count(rows, (row) => row.status === 'EXCEPTED')).toBe(rule.excepted);
      expect(rule.pass + rule.fail + rule.unknown + rule.excepted).toBe(rule.evaluated);
    }
    const grants = findings.filter((row) => row.rule === 'privileged-grant');
    expect(grants.map((row) => row.user_key).sort()).toEqual(keysOf(changes.madeAdministrators));
    expect(new Set(grants.map((row) => `${row.severity} ${row.status}`))).toEqual(new Set(['high FAIL']));
    const mfa = new Map(
      findings.filter((row) => row.rule === 'mfa-missing').map((row) => [row.user_key, row.severity]),
    );
    const [adminWithoutMfa, userWithoutMfa] = keysOf(changes.twoFactorSwitchedOff);
    expect([mfa.get(adminWithoutMfa ?? ''), mfa.get(userWithoutMfa ?? '')].sort()).toEqual([
      'high',
      'medium',
    ]);

    const rows = await ws.csv(`${TODAY_REPORTS}changes.csv`);
    const keysWhere = (change: string) =>
      rows
        .filter((row) => row.change === change)
        .map((row) => row.user_key)
        .sort();
    expect(keysWhere('user-removed')).toEqual(keysOf(changes.deleted));
    expect(keysWhere('user-added')).toEqual(keysOf(changes.added));
    expect(rows.filter((row) => row.change === 'group-removed').map((row) => row.group_name)).toEqual([
      changes.removedGroup.name,
    ]);
    expect(
      rows
        .filter((row) => row.change === 'user-changed')
        .map((row) => `${row.user_key} ${row.field} ${row.before}→${row.after}`)
        .sort(),
    ).toEqual(keysOf(changes.twoFactorSwitchedOff).map((key) => `${key} mfaEnabled true→false`));
    expect(count(rows, (row) => row.change === 'membership-lost')).toBe(summary.changes?.membershipsLost);
    expect(count(rows, (row) => row.change === 'membership-gained')).toBe(summary.changes?.membershipsGained);
    expect(summary.changes?.membershipsGained).toBe(changes.added.length + changes.madeAdministrators.length);
    expect(summary.verdict?.status).toBe('ok');
    // Logins are activity, never listed as changes (the user-changed rows above are the TFA ones).
    expect(summary.changes?.activity).toBe(changes.loggedIn.length);

    const html = await ws.text(`${TODAY_REPORTS}report.html`);
    expect(html).toContain(TODAY_RUN);
    const diff = JSON.parse(await ws.text(`${TODAY_REPORTS}diff.json`));
    expect(diff.users.removed).toHaveLength(changes.deleted.length);
    const findingsJson = JSON.parse(await ws.text(`${TODAY_REPORTS}findings.json`));
    expect(findingsJson.findings).toHaveLength(findings.length);
  });

  it('keeps every cell of findings.csv spreadsheet-safe: user text never starts a formula', async () => {
    const ws = await workspace();
    ws.site.state.addUser({
      email: '-2+3@acme.example',
      first_name: '=HYPERLINK("http://evil.example")',
      last_name: '@SUM(A1)',
      groups: ['All Users'],
      last_login_at: null,
      password_updated_at: null,
      tfa_enabled: false,
    });
    expect((await ws.run(['export', '--as-of', TODAY])).code).toBe(0);
    expect((await ws.run(['audit'])).code).toBe(0);
    const raw = await ws.text(`${TODAY_REPORTS}findings.csv`);
    expect(raw.startsWith('\uFEFF')).toBe(true);
    // A line break inside a cell stays inside its quotes: every record has every column.
    const records = parse(raw, { bom: true, relax_column_count: true }) as string[][];
    expect(records.filter((record) => record.length !== findingsCsvHeader.length)).toEqual([]);
    const cells = (await ws.csv(`${TODAY_REPORTS}findings.csv`)).flatMap((row) => Object.values(row));
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    // A user whose e-mail Excel would read as a formula is listed, neutralised, not dropped.
    expect(cells).toContain("'-2+3@acme.example");
  });

  it('turns a FAIL into EXCEPTED with the exception’s reason, owner and expiry, and says when one expired', async () => {
    const site = await startPeriscopeV1Emulator({ users: 300, groups: 12, referenceDate: YESTERDAY });
    const [covered, lapsed] = site.state.users().filter((user) => !user.tfa_enabled);
    await site.close();
    if (!covered || !lapsed) throw new Error('the emulator data has fewer than two users without TFA');
    const exception = { rule: 'mfa-missing', reason: 'API-only account', owner: 'it@acme.example' };
    const ws = await workspace({
      exceptions: [
        { ...exception, user: covered.email.toUpperCase(), expires: '2027-03-31' },
        { ...exception, user: lapsed.email, expires: '2026-11-21' },
      ],
    });
    expect((await ws.run(['export', '--as-of', TODAY])).code).toBe(0);

    const audit = await ws.run(['audit']);

    expect(audit.code).toBe(0);
    const rows = (await ws.csv(`${TODAY_REPORTS}findings.csv`)).filter((row) => row.rule === 'mfa-missing');
    const rowOf = (email: string) => rows.find((row) => row.user_key === email.toLowerCase());
    expect(rowOf(covered.email)).toMatchObject({
      status: 'EXCEPTED',
      exception: 'until 2027-03-31: API-only account (owner it@acme.example)',
    });
    expect(rowOf(lapsed.email)).toMatchObject({
      status: 'FAIL',
      exception: 'expired 2026-11-21: API-only account (owner it@acme.example)',
    });
  });
});

describe('rollcall audit', () => {
  it('audits a first snapshot: nothing to compare with, privileged-grant UNAVAILABLE, changes.csv header only', async () => {
    const ws = await workspace();
    expect((await ws.run(['export', '--as-of', TODAY])).code).toBe(0);

    const audit = await ws.run(['audit', '--json']);

    expect(audit.code).toBe(0);
    const output = JSON.parse(audit.stdout);
    expect(output.sites[0]).toMatchObject({ site: 'acme', status: 'audited', runId: TODAY_RUN });
    const summary = await ws.summary();
    expect(summary.previousRunId).toBeNull();
    expect(summary.rules.find((rule) => rule.rule === 'privileged-grant')).toMatchObject({
      available: false,
      unavailableReason: expect.stringContaining('earlier complete snapshot'),
    });
    expect(await ws.csv(`${TODAY_REPORTS}changes.csv`)).toEqual([]);
    expect(await ws.text(`${TODAY_REPORTS}changes.csv`)).toBe(
      '\uFEFFsite,from_run_id,to_run_id,change,user_key,email,group_key,group_name,field,before,after\r\n',
    );
  });

  it('fails never-logged-in users the store has known for longer than the grace period, not new ones', async () => {
    const monthAgo = '2026-10-23T02:00:00Z';
    const ws = await workspace({}, { referenceDate: monthAgo });
    expect((await ws.run(['export', '--as-of', monthAgo])).code).toBe(0);
    const newcomer = {
      email: 'new.starter@acme.example',
      first_name: 'New',
      last_name: 'Starter',
      groups: ['All Users'],
      last_login_at: null,
      password_updated_at: null,
      tfa_enabled: true,
    };
    ws.site.state.addUser(newcomer);
    expect((await ws.run(['export', '--as-of', TODAY])).code).toBe(0);

    expect((await ws.run(['audit'])).code).toBe(0);

    const neverLoggedIn = ws.site.state
      .users()
      .filter((user) => user.last_login_at === null && user.email !== newcomer.email);
    expect(neverLoggedIn.length).toBeGreaterThan(0);
    const rows = (await ws.csv(`${TODAY_REPORTS}findings.csv`)).filter(
      (row) => row.rule === 'never-logged-in',
    );
    expect(rows.map((row) => row.user_key).sort()).toEqual(keysOf(neverLoggedIn.map((user) => user.email)));
    expect(rows[0]?.detail).toBe(
      'never logged in; already in the snapshot of 2026-10-23, 30 days ago; grace 14 days',
    );
  });

  it('exits 2 and says what exists when a site has no snapshot or the run does not exist', async () => {
    const ws = await workspace();

    const none = await ws.run(['audit']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('acme: NOTHING TO AUDIT — site acme has no snapshot in');
    expect(none.stderr).toContain('rollcall export --site acme');

    expect((await ws.run(['export', '--as-of', YESTERDAY])).code).toBe(0);
    const missing = await ws.run(['audit', '--run', '2026-11-22T02:00:00Z']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `site acme has no run ${TODAY_RUN}: its runs are ${YESTERDAY_RUN} (complete); the latest complete one is ${YESTERDAY_RUN}.`,
    );
    const malformed = await ws.run(['audit', '--run', 'yesterday']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(
      '--run: "yesterday" is not a run: use latest, previous, a date like 2026-11-21 or a run id from `rollcall runs --site',
    );
  });

  it('refuses an incomplete snapshot (exit 1) unless --allow-incomplete, and then every report says so first', async () => {
    const ws = await workspace(
      {},
      { faults: { serverErrors: { route: 'users-list', after: 1, count: 1000 } } },
    );
    const exported = await ws.run(['export', '--as-of', TODAY]);
    expect(exported.code).toBe(1);

    const refused = await ws.run(['audit', '--run', TODAY_RUN]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`acme: NOT AUDITED — Run ${TODAY_RUN} of site acme is INCOMPLETE`);
    expect(refused.stderr).toContain('--allow-incomplete');
    expect(await ws.store.get(`${TODAY_REPORTS}summary.json`)).toBeUndefined();

    const allowed = await ws.run(['audit', '--run', TODAY_RUN, '--allow-incomplete']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('WARNING: Run 20261122T020000Z of site acme is INCOMPLETE');
    const summary = await ws.summary();
    expect(summary.warnings[0]).toContain('INCOMPLETE');
    expect(summary.snapshot.status).toBe('incomplete');
    const html = await ws.text(`${TODAY_REPORTS}report.html`);
    const body = html.slice(html.indexOf('<body'));
    expect(body.indexOf('INCOMPLETE')).toBeGreaterThan(-1);
    expect(body.indexOf('INCOMPLETE')).toBeLessThan(body.indexOf('id="headline"'));
  });

  it('refuses a snapshot whose files do not match the manifest, naming the file', async () => {
    const ws = await workspace();
    expect((await ws.run(['export', '--as-of', TODAY])).code).toBe(0);
    const csvPath = ws.store.locate(`snapshots/site=acme/date=2026-11-22/run=${TODAY_RUN}/users.csv`);
    await writeFile(csvPath, `${await readFile(csvPath, 'utf8')}mallory@evil.example,,,,,,,,,,\r\n`);

    const refused = await ws.run(['audit']);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /do not match its manifest: users\.csv has \d+ bytes, the manifest says \d+/,
    );
    const allowed = await ws.run(['audit', '--allow-incomplete']);
    expect(allowed.code).toBe(0);
    expect((await ws.summary()).snapshot.hashesVerified).toBe(false);
  });

  it('exits 3 with --fail-on when a FAIL at or above the severity is found, 0 below it', async () => {
    const { ws, run } = await twoNights();
    expect(run.code).toBe(0);
    const summary = await ws.summary();
    expect(summary.findings.failsBySeverity.high).toBeGreaterThan(0);

    const high = await ws.run(['audit', '--fail-on', 'high']);
    expect(high.code).toBe(3);
    // The last line says why the command failed: how many findings reached the severity.
    const { high: highFails, medium, low: lowFails } = summary.findings.failsBySeverity;
    const count = (n: number) => n.toLocaleString('en-US');
    expect(high.stderr).toBe(
      `rollcall: exit 3 because of --fail-on high: ${count(highFails)} FAIL findings of severity high (acme: ${count(highFails)}).\n`,
    );
    const low = await ws.run(['audit', '--fail-on', 'low']);
    expect(low.code).toBe(3);
    const all = highFails + medium + lowFails;
    expect(low.stderr).toBe(
      `rollcall: exit 3 because of --fail-on low: ${count(all)} FAIL findings of any severity (acme: ${count(all)}).\n`,
    );
    const bad = await ws.run(['audit', '--fail-on', 'severe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'severe' is invalid. Allowed choices are high, medium, low.");
  });

  it('exits 3 with --fail-on low only when there is something to fail on', async () => {
    const ws = await workspace({}, { users: 0 });
    expect((await ws.run(['export', '--as-of', TODAY])).code).toBe(0);
    const audit = await ws.run(['audit', '--fail-on', 'low']);
    expect(audit.stdout).toContain('all rules');
    expect(audit.code).toBe(0);
  });
});

describe('the mass-change alarm', () => {
  it('marks the diff suspect when a fifth of the users vanish overnight, and says so loudly', async () => {
    const ws = await workspace({ massChangeThreshold: { percent: 5, minimum: 5 } });
    expect((await ws.run(['export', '--as-of', YESTERDAY])).code).toBe(0);
    const users = ws.site.state.users();
    const gone = users.filter((_, index) => index % 5 === 0);
    for (const user of gone) ws.site.state.removeUser(user.email);

    const run = await ws.run(['run', '--as-of', TODAY]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`acme: MASS CHANGE SUSPECTED — ${gone.length} users removed`);
    const summary = await ws.summary();
    expect(summary.verdict).toMatchObject({
      status: 'suspect',
      removedUsers: gone.length,
      removedUsersThreshold: Math.ceil(users.length * 0.05),
    });
    const html = await ws.text(`${TODAY_REPORTS}report.html`);
    expect(html).toContain('suspect');
    expect((await ws.run(['audit', '--fail-on', 'high'])).code).toBe(3);
  });
});

describe('rollcall diff', () => {
  it('lists the changes between two runs, for people and as JSON', async () => {
    const { ws, changes } = await twoNights();

    const text = await ws.run(['diff', '--site', 'acme', '--from', YESTERDAY_RUN, '--to', TODAY_RUN]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`rollcall diff · site acme · ${YESTERDAY_RUN} → ${TODAY_RUN}`);
    expect(text.stdout).toContain(`groups removed:\n  ${changes.removedGroup.name}`);
    expect(text.stdout).toContain('mfaEnabled true → false');

    const json = await ws.run([
      'diff',
      '--site',
      'acme',
      '--from',
      YESTERDAY_RUN,
      '--to',
      TODAY_RUN,
      '--json',
    ]);
    const result = JSON.parse(json.stdout);
    expect(result.diff.users.removed.map((user: { key: string }) => user.key).sort()).toEqual(
      keysOf(changes.deleted),
    );

    const missing = await ws.run(['diff', '--site', 'acme', '--from', '20260101T020000Z', '--to', TODAY_RUN]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('site acme has no run 20260101T020000Z');
  });
});
