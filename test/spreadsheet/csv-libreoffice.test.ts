import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRunPrefix } from '../../functions/reports/layout.ts';
import { snapshotRunPrefix } from '../../functions/snapshot/layout.ts';
import type { FileStore } from '../../functions/store/file-store.ts';
import { HOSTILE_RUN, HOSTILE_SITE, writeHostileRun } from '../support/hostile-run.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { CSV_EXPORT_FIRST_SHEET, convert, libreOfficeProblem, readCsv } from './libreoffice.ts';

/**
 * LibreOffice Calc's import dialog starts with comma, semicolon and tab all ticked as separators
 * (its headless converter, without a filter, splits on commas only): this is that setting, as
 * filter options — separators 44/59/9, `"` as the text delimiter, UTF-8, from line 1.
 */
const CALC_DEFAULT_IMPORT = 'CSV:44/59/9,34,76,1';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let store: FileStore;

let missing: Error | undefined;

beforeAll(async () => {
  missing = await libreOfficeProblem();
  temp = await makeTempDir('csv-libreoffice');
  ({ store } = await writeHostileRun(temp.path));
}, 180_000);

afterAll(async () => {
  await temp?.remove();
});

const files = {
  'users.csv': () => `${snapshotRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}users.csv`,
  'groups.csv': () => `${snapshotRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}groups.csv`,
  'memberships.csv': () => `${snapshotRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}memberships.csv`,
  'findings.csv': () => `${reportRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}findings.csv`,
  'changes.csv': () => `${reportRunPrefix(HOSTILE_SITE, HOSTILE_RUN)}changes.csv`,
};

describe('the CSVs opened with LibreOffice Calc’s default import settings', () => {
  it.each(Object.keys(files))('%s: every row keeps its columns, none spills into the next', async (name) => {
    if (missing) throw missing;
    const source = store.locate(files[name as keyof typeof files]());
    const written = readCsv(await readFile(source, 'utf8'));
    // The hostile data must reach the file for the test to mean anything.
    expect(written.flat().some((cell) => cell.includes(';') || cell.includes('\t'))).toBe(true);

    const out = join(temp.path, name.replace('.csv', ''));
    await mkdir(out, { recursive: true });
    await convert(source, CSV_EXPORT_FIRST_SHEET, out, CALC_DEFAULT_IMPORT);
    const opened = readCsv(await readFile(join(out, name), 'utf8'));

    expect(opened.length).toBe(written.length);
    const width = (written[0] as string[]).length;
    const spilled = opened
      .map((row, index) => ({ row: index + 1, columns: row.length, cells: row }))
      .filter((row) => row.columns !== width);
    expect(spilled, `rows of ${name} whose cells moved`).toEqual([]);
    // Cells with a separator inside read back whole.
    for (const [index, row] of written.entries()) {
      row.forEach((cell, column) => {
        if (/[;\t]/.test(cell)) expect(opened[index]?.[column], `${name} row ${index + 1}`).toBe(cell);
      });
    }
  });
});
