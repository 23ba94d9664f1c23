import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import WorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';

/**
 * A cell as the workbook types it: text stays text whatever it looks like (a 16-digit id keeps
 * every digit, `=1+1` is never a formula), a Date is a real date shown in UTC, a number a number.
 */
export type WorkbookCell = string | number | boolean | Date | null | undefined;

export interface SheetColumn {
  readonly header: string;
  /** Width in characters. */
  readonly width: number;
}

/** The most rows a sheet of Excel or LibreOffice holds, header included. */
export const SPREADSHEET_ROW_LIMIT = 1_048_576;

/** The most characters Excel keeps in a cell; it reports a longer one as a damaged file. */
export const CELL_TEXT_LIMIT = 32_767;

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const PLAIN_STYLE: Partial<ExcelJS.Style> = {};
const DATE_STYLE: Partial<ExcelJS.Style> = { numFmt: DATE_FORMAT };
/** Rows written between two looks at whether the zip has caught up. */
const PACE_ROWS = 500;

/**
 * exceljs' internals that tell whether a sheet's bytes are piling up ahead of the zip: the sheet's
 * buffer pipes into a PassThrough of the `readable-stream` package (the zip library's), which
 * predates `writableNeedDrain` and keeps the flag in its state.
 */
interface SheetStreamInternals {
  readonly pipes: readonly (Writable & { readonly _writableState?: { readonly needDrain?: boolean } })[];
}

/** The zip library inside exceljs' writer, as far as it is patched below. */
interface ZipInternals {
  append(source: unknown, data: unknown): unknown;
}

/**
 * exceljs' writer, handing the zip Buffers instead of strings: the zip library turns a string
 * into `new Buffer(string)`, which Node.js reports on stderr as deprecated (DEP0005) whenever the
 * call is not inside node_modules, as in the bundled CLI and the Lambda bundles. `addThemes` is
 * the first thing the writer's constructor does after making its zip.
 */
class BufferEntriesWorkbookWriter extends WorkbookWriter {
  override addThemes(): Promise<void> {
    const zip = (this as unknown as { zip: ZipInternals }).zip;
    const append = zip.append.bind(zip);
    zip.append = (source, data) =>
      append(typeof source === 'string' ? Buffer.from(source, 'utf8') : source, data);
    return super.addThemes();
  }
}

/**
 * An .xlsx written as a stream with exceljs' streaming writer: one sheet open at a time, rows
 * committed as they are added, no shared-strings table (it would hold every distinct string).
 * exceljs itself never waits for the zip, so each sheet waits every few hundred rows until the
 * zip has taken what was written: memory stays at a few buffers whatever the row count.
 */
export class WorkbookStream {
  private readonly writer: WorkbookWriter;
  /** Rejects when the output closes before the workbook is whole (its upload failed). */
  private readonly stopped: Promise<never>;

  /** @param rowLimit rows per sheet, header included, before a sheet continues on "Name (2)". */
  constructor(
    output: Writable,
    private readonly rowLimit: number = SPREADSHEET_ROW_LIMIT,
  ) {
    if (rowLimit < 2) throw new Error('a sheet must hold a header and at least one row');
    this.writer = new BufferEntriesWorkbookWriter({
      stream: output,
      useStyles: true,
      useSharedStrings: false,
    });
    this.stopped = new Promise<never>((_, reject) => {
      output.once('close', () => {
        if (!output.writableFinished) reject(output.errored ?? new Error('the workbook output closed early'));
      });
    });
    // Only the sheets' waits read it; a workbook that ends normally never rejects it.
    this.stopped.catch(() => undefined);
  }

  /** Opens a sheet; the previous one must have been closed. */
  sheet(name: string, columns: readonly SheetColumn[]): SheetStream {
    return new SheetStream(this.writer, name, columns, this.rowLimit, this.stopped);
  }

  /** Writes the workbook's remaining parts and ends the output. */
  async close(): Promise<void> {
    // The zip's end never comes once its output has failed.
    await Promise.race([this.writer.commit(), this.stopped]);
  }
}

/** One sheet, continued on "Name (2)", "Name (3)"… past the row limit. */
export class SheetStream {
  private part = 0;
  private worksheet!: ReturnType<WorkbookWriter['addWorksheet']>;
  private rows = 0;
  private sinceCheck = 0;

  constructor(
    private readonly writer: WorkbookWriter,
    private readonly name: string,
    private readonly columns: readonly SheetColumn[],
    private readonly rowLimit: number,
    private readonly stopped: Promise<never>,
  ) {
    this.open();
  }

  /** Adds one row; resolves when the workbook can take more. */
  async add(cells: readonly WorkbookCell[]): Promise<void> {
    if (this.rows >= this.rowLimit) {
      this.commitPart();
      this.open();
    }
    const row = this.worksheet.addRow(cells.map(cellValue));
    // One style object per kind of cell, shared: exceljs remembers a style by its object, so a
    // shared one is looked up once, where a fresh one per cell cost a quarter of the writing.
    row.eachCell((cell) => {
      cell.style = cell.value instanceof Date ? DATE_STYLE : PLAIN_STYLE;
    });
    row.commit();
    this.rows += 1;
    this.sinceCheck += 1;
    if (this.sinceCheck >= PACE_ROWS) {
      this.sinceCheck = 0;
      await this.caughtUp();
    }
  }

  close(): void {
    this.commitPart();
  }

  private open(): void {
    this.part += 1;
    const name = this.part === 1 ? this.name : `${this.name} (${this.part})`;
    this.worksheet = this.writer.addWorksheet(name, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
    });
    this.worksheet.columns = this.columns.map((column) => ({ header: column.header, width: column.width }));
    const header = this.worksheet.getRow(1);
    header.font = { bold: true };
    header.commit();
    this.rows = 1;
  }

  private commitPart(): void {
    // The filter covers the rows written, known only now; exceljs writes it when the sheet ends.
    this.worksheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: this.rows, column: this.columns.length },
    };
    this.worksheet.commit();
  }

  private async caughtUp(): Promise<void> {
    const stream = (this.worksheet as unknown as { stream: SheetStreamInternals }).stream;
    for (const pipe of stream.pipes) {
      // A zip that stops reading (its output failed) would never drain: the failure ends the wait.
      if (pipe.writableNeedDrain ?? pipe._writableState?.needDrain)
        await Promise.race([once(pipe, 'drain'), this.stopped]);
    }
  }
}

function cellValue(cell: WorkbookCell): string | number | boolean | Date | null {
  if (cell === undefined || cell === null) return null;
  if (typeof cell === 'number' && !Number.isFinite(cell)) return String(cell);
  if (typeof cell === 'string' && cell.length > CELL_TEXT_LIMIT) return cutText(cell);
  return cell;
}

/** A text too long for a cell, cut with a note saying so; the snapshot's files keep it whole. */
export function cutText(text: string): string {
  const note = ` … [cut: ${text.length} characters in the snapshot]`;
  let kept = text.slice(0, CELL_TEXT_LIMIT - note.length);
  // Never end on half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return `${kept}${note}`;
}
