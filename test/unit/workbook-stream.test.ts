import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { CELL_TEXT_LIMIT, cutText, WorkbookStream } from '../../functions/evidence/workbook-stream.ts';

async function written(fill: (workbook: WorkbookStream) => Promise<void>, rowLimit?: number) {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => output.on('end', resolve));
  const workbook = new WorkbookStream(output, rowLimit);
  await fill(workbook);
  await workbook.close();
  await ended;
  const read = new ExcelJS.Workbook();
  await read.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return read;
}

describe('the workbook stream', () => {
  it('cuts a text longer than a cell holds, saying how long it was, and keeps shorter ones whole', async () => {
    const long = `${'😀'.repeat(20_000)}`;
    const read = await written(async (workbook) => {
      const sheet = workbook.sheet('Long', [{ header: 'text', width: 10 }]);
      await sheet.add([long]);
      await sheet.add(['x'.repeat(CELL_TEXT_LIMIT)]);
      sheet.close();
    });
    const cell = (row: number) => String(read.getWorksheet('Long')?.getRow(row).getCell(1).value);
    const [cut, whole] = [cell(2), cell(3)];
    expect(cut.length).toBeLessThanOrEqual(CELL_TEXT_LIMIT);
    expect(cut.endsWith(' … [cut: 40000 characters in the snapshot]')).toBe(true);
    expect(long.startsWith(cut.slice(0, cut.indexOf(' … [cut')))).toBe(true);
    expect(whole).toBe('x'.repeat(CELL_TEXT_LIMIT));
    expect(cutText('a'.repeat(40_000)).length).toBe(CELL_TEXT_LIMIT);
  });

  it('continues a sheet past its row limit on numbered sheets, each under its own header', async () => {
    const read = await written(async (workbook) => {
      const sheet = workbook.sheet('Users', [{ header: 'n', width: 10 }]);
      for (let n = 1; n <= 7; n++) await sheet.add([n]);
      sheet.close();
    }, 3);
    expect(read.worksheets.map((ws) => ws.name)).toEqual(['Users', 'Users (2)', 'Users (3)', 'Users (4)']);
    const values = read.worksheets.map((ws) =>
      ws
        .getSheetValues()
        .slice(1)
        .map((row) => (row as unknown[])[1]),
    );
    expect(values).toEqual([
      ['n', 1, 2],
      ['n', 3, 4],
      ['n', 5, 6],
      ['n', 7],
    ]);
  });

  it('refuses a row limit that leaves no room below the header', () => {
    expect(() => new WorkbookStream(new PassThrough(), 1)).toThrow(/header and at least one row/);
  });
});
