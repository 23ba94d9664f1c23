import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';

const run = promisify(execFile);

/** LibreOffice's command (SOFFICE_PATH, else `soffice` on the PATH), as Debian's libreoffice-calc installs it. */
const SOFFICE = process.env.SOFFICE_PATH ?? 'soffice';

/**
 * Why LibreOffice cannot run here, or undefined when it can. The tests throw it in each test body,
 * so a machine without LibreOffice fails every one of them, with the fix in the message; none is
 * skipped.
 */
export async function libreOfficeProblem(): Promise<Error | undefined> {
  try {
    await run(SOFFICE, ['--version'], { timeout: 60_000 });
    return undefined;
  } catch (cause) {
    return new Error(
      `LibreOffice (${SOFFICE}) is not installed: install Debian's libreoffice-calc (apt-get install --no-install-recommends libreoffice-calc) or set SOFFICE_PATH; .ci/run installs it`,
      { cause },
    );
  }
}

/**
 * Converts a file headlessly, with its own user profile in `workDir` (so parallel runs and a
 * user's open LibreOffice do not collide). `infilter` sets the import filter; without it the
 * filter is chosen from the file's extension with its defaults.
 */
export async function convert(file: string, to: string, workDir: string, infilter?: string): Promise<void> {
  const profile = `file://${join(workDir, 'profile')}`;
  await run(
    SOFFICE,
    [
      '--headless',
      '--norestore',
      `-env:UserInstallation=${profile}`,
      ...(infilter === undefined ? [] : [`--infilter=${infilter}`]),
      '--convert-to',
      to,
      '--outdir',
      workDir,
      file,
    ],
    { timeout: 120_000 },
  );
}

/**
 * LibreOffice's CSV export: comma, double quote, UTF-8, every text cell quoted, cells as shown
 * (dates in their display format), no formulas, every sheet to its own file
 * (`<name>-<sheet>.csv`, token 12 = -1, LibreOffice 7.2 and later).
 */
export const CSV_EXPORT_EVERY_SHEET =
  'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,true,false,false,-1';

/** The same export, first sheet only, to `<name>.csv`. */
export const CSV_EXPORT_FIRST_SHEET =
  'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,true,false,false';

/** The sheets LibreOffice wrote for `base` in `dir`, by sheet name, each as rows of cells. */
export async function exportedSheets(dir: string, base: string): Promise<Map<string, string[][]>> {
  const sheets = new Map<string, string[][]>();
  for (const name of await readdir(dir)) {
    if (!name.startsWith(`${base}-`) || !name.endsWith('.csv')) continue;
    const sheet = name.slice(base.length + 1, -'.csv'.length);
    sheets.set(sheet, readCsv(await readFile(join(dir, name), 'utf8')));
  }
  return sheets;
}

export function readCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true }) as string[][];
}
