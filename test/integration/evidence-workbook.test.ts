import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEvidence } from '../../functions/evidence/write-evidence.ts';
import { reportRunPrefix } from '../../functions/reports/layout.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { HOSTILE_RUN, HOSTILE_SITE, hostileSiteConfig, writeHostileRun } from '../support/hostile-run.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const ROW_LIMIT = 8;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let workbook: ExcelJS.Workbook;
let location: string | undefined;
let hostileStore: ObjectStore;

beforeAll(async () => {
  temp = await makeTempDir('evidence-workbook');
  const { store, audit } = await writeHostileRun(temp.path, ROW_LIMIT);
  if (audit.status !== 'audited')
    throw new Error(`the hostile run was not audited: ${JSON.stringify(audit)}`);
  location = audit.reports.evidence;
  hostileStore = store;
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(store.locate(`${reportRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}evidence.xlsx`));
});

afterAll(async () => {
  await temp?.remove();
});

function sheet(name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet "${name}" in ${workbook.worksheets.map((ws) => ws.name).join(', ')}`);
  return found;
}

describe('evidence.xlsx read back with exceljs', () => {
  it('is written beside the other reports, its location returned with theirs', () => {
    expect(location).toMatch(/reports\/site=hostile\/date=2026-11-22\/run=20261122T020000Z\/evidence\.xlsx$/);
  });

  it('has the sheets in order, long ones continued on numbered sheets of at most the row limit', () => {
    const names = workbook.worksheets.map((ws) => ws.name);
    expect(names.filter((name) => !/\(\d+\)$/.test(name))).toEqual([
      'Extraction',
      'Needs attention',
      'Findings',
      'Users',
      'Groups',
      'Memberships',
      'Changes',
      'Access review',
    ]);
    expect(names.indexOf('Users (2)')).toBe(names.indexOf('Users') + 1);
    expect(names.indexOf('Users (3)')).toBe(names.indexOf('Users') + 2);
    for (const ws of workbook.worksheets) expect(ws.rowCount, ws.name).toBeLessThanOrEqual(ROW_LIMIT);
    // 24 users: 7 on each of three sheets, 3 on the fourth, each under its own header.
    const users = names.filter((name) => name.startsWith('Users'));
    expect(users.map((name) => sheet(name).rowCount - 1)).toEqual([7, 7, 7, 3]);
    expect(sheet('Users (4)').getRow(1).values).toEqual(sheet('Users').getRow(1).values);
  });

  it('freezes the header row and filters every sheet', () => {
    for (const ws of workbook.worksheets) {
      expect(ws.views[0], ws.name).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.autoFilter, ws.name).toBeDefined();
    }
  });

  it('types the cells: ids as text with all 16 digits, times as dates, counts as numbers, MFA as true/false', () => {
    const row = sheet('Users').getRow(2);
    expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(1).value).toBe('4000432187555801');
    expect(row.getCell(2).value).toBe('4000432187555801');
    expect(row.getCell(9).value).toEqual(new Date('2026-06-01T00:00:00Z'));
    expect(row.getCell(9).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(row.getCell(10).value).toBe(false);
    const groups = sheet('Groups');
    expect(groups.getRow(2).getCell(6).type).toBe(ExcelJS.ValueType.Number);
    const extraction = sheet('Extraction');
    const scheduled = extraction
      .getRows(2, extraction.rowCount - 1)
      ?.find((r) => r.getCell(2).value === 'Scheduled at (UTC)');
    expect(scheduled?.getCell(3).value).toEqual(new Date('2026-11-22T02:00:00Z'));
  });

  it('never writes a formula: text that looks like one is a string cell', () => {
    const looksLikeFormula: string[] = [];
    for (const ws of workbook.worksheets) {
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type, `${ws.name}!${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof cell.value === 'string' && /^[=+\-@]/.test(cell.value))
            looksLikeFormula.push(cell.value);
        }),
      );
    }
    expect(looksLikeFormula).toContain('=1+1 Nom 8, "quoted"');
    expect(looksLikeFormula).toContain('=HYPERLINK("http://evil.example","click")');
  });
});

describe('a workbook whose upload fails', () => {
  it('stops with the store’s error instead of waiting for a zip that no longer drains', async () => {
    // The store refuses the object without reading a byte of it, as S3 does when access is denied.
    const refusing: ObjectStore = {
      ...hostileStore,
      locate: (key) => hostileStore.locate(key),
      get: (key) => hostileStore.get(key),
      openRead: (key) => hostileStore.openRead(key),
      list: (prefix) => hostileStore.list(prefix),
      put: async (key, body) => {
        if (!key.endsWith('evidence.xlsx')) return hostileStore.put(key, body);
        throw new Error(`access denied to ${key}`);
      },
    };
    await expect(
      writeEvidence({
        store: refusing,
        site: HOSTILE_SITE,
        runId: HOSTILE_RUN,
        settings: hostileSiteConfig.audit,
        toolVersion: '0.1.0-test',
        clock: { now: () => new Date('2026-11-22T02:10:00Z') },
        rowLimit: 1_000_000,
      }),
    ).rejects.toThrow(/access denied to .*evidence\.xlsx/);
  });
});
