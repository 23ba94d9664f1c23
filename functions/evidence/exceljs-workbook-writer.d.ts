/**
 * exceljs' streaming writer on its own: the package's entry point also loads its reader, its CSV
 * support and the in-memory workbook, twice the bundle for nothing this function uses.
 */
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  import type { stream } from 'exceljs';

  const WorkbookWriter: typeof stream.xlsx.WorkbookWriter;
  type WorkbookWriter = stream.xlsx.WorkbookWriter;
  export default WorkbookWriter;
}
