import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRunPrefix } from '../../functions/reports/layout.ts';
import type { CanonicalGroup, CanonicalUser } from '../../functions/shared/model.ts';
import { snapshotRunPrefix } from '../../functions/snapshot/layout.ts';
import { readGroups, readUsers } from '../../functions/snapshot/read-snapshot.ts';
import type { FileStore } from '../../functions/store/file-store.ts';
import { HOSTILE_RUN, HOSTILE_SITE, writeHostileRun } from '../support/hostile-run.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { CSV_EXPORT_EVERY_SHEET, convert, exportedSheets, libreOfficeProblem } from './libreoffice.ts';

/** Rows per sheet in this test: every long sheet continues on "(2)", "(3)"… */
const ROW_LIMIT = 8;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let store: FileStore;
let sheets: Map<string, string[][]>;
let users: CanonicalUser[];
let groups: CanonicalGroup[];

let missing: Error | undefined;

beforeAll(async () => {
  missing = await libreOfficeProblem();
  if (missing) return;
  temp = await makeTempDir('evidence-libreoffice');
  ({ store } = await writeHostileRun(temp.path, ROW_LIMIT));
  const workbook = store.locate(`${reportRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}evidence.xlsx`);
  await convert(workbook, CSV_EXPORT_EVERY_SHEET, temp.path);
  sheets = await exportedSheets(temp.path, 'evidence');
  users = await collect(readUsers(store, snapshotRunPrefix(HOSTILE_SITE, HOSTILE_RUN)));
  groups = await collect(readGroups(store, snapshotRunPrefix(HOSTILE_SITE, HOSTILE_RUN)));
}, 180_000);

afterAll(async () => {
  await temp?.remove();
});

/** A sheet's rows with its continuation sheets' rows after them, each part's header checked and dropped. */
function sheet(name: string): { header: string[]; rows: string[][] } {
  const first = sheets.get(name);
  if (!first)
    throw new Error(`LibreOffice found no sheet "${name}" (sheets: ${[...sheets.keys()].join(', ')})`);
  const [header = [], ...rows] = first;
  for (let part = 2; sheets.has(`${name} (${part})`); part++) {
    const [partHeader, ...more] = sheets.get(`${name} (${part})`) as string[][];
    expect(partHeader, `${name} (${part})`).toEqual(header);
    rows.push(...more);
  }
  return { header, rows };
}

/** An ISO-8601 UTC time as the workbook's date format shows it. */
const shown = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '';
const bool = (value: boolean | null | undefined) =>
  value === null || value === undefined ? '' : value ? 'TRUE' : 'FALSE';

describe('evidence.xlsx opened by LibreOffice', () => {
  it('has every sheet, long ones continued on a second sheet and more, at most the row limit each', () => {
    if (missing) throw missing;
    for (const name of [
      'Extraction',
      'Needs attention',
      'Findings',
      'Users',
      'Groups',
      'Memberships',
      'Changes',
      'Access review',
    ]) {
      expect(sheets.has(name), name).toBe(true);
    }
    expect(sheets.has('Users (2)')).toBe(true);
    expect(sheets.has('Memberships (3)')).toBe(true);
    for (const [name, rows] of sheets) expect(rows.length, name).toBeLessThanOrEqual(ROW_LIMIT);
  });

  it('shows every user as the snapshot has them: 16-digit ids whole, hostile names verbatim, dates in UTC', () => {
    if (missing) throw missing;
    const names = new Map(groups.map((group) => [group.key, group.name]));
    const { rows } = sheet('Users');
    expect(rows).toEqual(
      users.map((user) => [
        user.key,
        user.id ?? '',
        [user.firstName, user.lastName].filter(Boolean).join(' '),
        user.email ?? '',
        user.status,
        user.groups.map((key) => names.get(key)).join('; '),
        user.groups.join('; '),
        shown(user.lastLoginAt),
        shown(user.passwordUpdatedAt),
        bool(user.mfaEnabled),
        shown(user.createdAt),
      ]),
    );
    // Not a formula: LibreOffice would show =1+1 as 2.
    expect(rows.map((row) => row[2])).toContain('=1+1 Nom 8, "quoted"');
    expect(rows[0]?.[0]).toMatch(/^\d{16}$/);
  });

  it('shows the groups, and each membership with the user’s e-mail and the group’s name beside the keys', () => {
    if (missing) throw missing;
    expect(sheet('Groups').rows).toEqual(
      groups.map((group) => [
        group.key,
        group.id ?? '',
        group.name,
        group.access ?? '',
        group.description ?? '',
        String(group.memberCount),
        group.name === 'Administrators' ? 'TRUE' : 'FALSE',
      ]),
    );
    const names = new Map(groups.map((group) => [group.key, group.name]));
    expect(sheet('Memberships').rows).toEqual(
      users.flatMap((user) =>
        [...new Set(user.groups)]
          .sort()
          .map((key) => [user.key, key, user.email ?? '', names.get(key) ?? '']),
      ),
    );
  });

  it('lists one access-review row per administrator with empty reviewer columns', () => {
    if (missing) throw missing;
    const { header, rows } = sheet('Access review');
    expect(header.slice(-4)).toEqual([
      'Decision (keep / revoke)',
      'Justification',
      'Reviewer',
      'Reviewed on',
    ]);
    // One row per administrator's privileged group, and one for the user the source flags.
    const adminGroup = groups.find((group) => group.name === 'Administrators')?.key ?? '';
    expect(rows.map((row) => [row[0], row[4], row[5]])).toEqual(
      users.flatMap((user) => [
        ...(user.admin ? [[user.key, '', 'LumApps administrator']] : []),
        ...(user.groups.includes(adminGroup) ? [[user.key, adminGroup, 'Administrators']] : []),
      ]),
    );
    expect(rows.some((row) => row[5] === 'LumApps administrator')).toBe(true);
    for (const row of rows) expect(row.slice(-4)).toEqual(['', '', '', '']);
  });

  it('lists the findings as findings.json has them, the high-severity failures first under Needs attention', async () => {
    if (missing) throw missing;
    const json = JSON.parse(
      await readFile(store.locate(`${reportRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}findings.json`), 'utf8'),
    ) as {
      findings: {
        rule: string;
        severity: string;
        status: string;
        userKey: string;
        email?: string;
        detail: string;
      }[];
    };
    const findingCells = (finding: (typeof json.findings)[number]) => [
      finding.severity,
      finding.status,
      finding.rule,
      finding.userKey,
      finding.email ?? '',
      finding.detail,
    ];
    expect(sheet('Findings').rows.map((row) => row.slice(0, 6))).toEqual(json.findings.map(findingCells));
    const attention = sheet('Needs attention').rows;
    const rank = { high: 0, medium: 1, low: 2 } as Record<string, number>;
    expect(attention.length).toBe(json.findings.filter((finding) => finding.status === 'FAIL').length);
    expect(attention.map((row) => rank[row[0] as string])).toEqual(
      attention.map((row) => rank[row[0] as string]).sort((a = 0, b = 0) => a - b),
    );
    expect(attention[0]?.[0]).toBe('high');
  });

  it('states the extraction: site, origin, run, times, counts against the API and every file’s SHA-256', async () => {
    if (missing) throw missing;
    const rows = sheet('Extraction').rows;
    const value = (item: string) => rows.find((row) => row[1] === item);
    expect(value('Origin')?.[2]).toBe('LumApps site "acme; =evil" at https://sites.lumapps.example');
    expect(value('Run id')?.[2]).toBe(HOSTILE_RUN);
    expect(value('Scheduled at (UTC)')?.[2]).toBe('2026-11-22 02:00:00');
    expect(value('Report generated at (UTC)')?.[2]).toBe('2026-11-22 02:10:00');
    expect(rows.find((row) => row[0] === 'Listing' && row[1] === 'users')?.slice(3, 5)).toEqual(['24', '24']);
    const manifest = JSON.parse(
      await readFile(store.locate(`${snapshotRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}manifest.json`), 'utf8'),
    ) as { files: { name: string; sha256: string; bytes: number }[] };
    expect(rows.filter((row) => row[0] === 'Snapshot file').map((row) => [row[1], row[5], row[6]])).toEqual(
      manifest.files.map((file) => [file.name, String(file.bytes), file.sha256]),
    );
  });

  it('shows the changes with the ids whole', () => {
    if (missing) throw missing;
    const { rows } = sheet('Changes');
    expect(rows.find((row) => row[0] === 'user-removed')?.[1]).toBe('4000432187555800');
    expect(rows.find((row) => row[0] === 'user-added')?.slice(1, 3)).toEqual([
      '4000432187555824',
      '-24+x@acme.example',
    ]);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
