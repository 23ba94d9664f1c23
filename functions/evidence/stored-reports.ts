import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import * as z from 'zod';
import { findingStatuses, severities } from '../audit/model.ts';
import { auditRuleIds } from '../config/schema.ts';
import { RollcallError } from '../shared/errors.ts';
import type { ObjectStore } from '../store/port.ts';

/**
 * The audit's own reports read back from the store, one record at a time: the evidence workbook is
 * written by its own function (exceljs would not fit in the audit's bundle), after the audit.
 */

const findingSchema = z.object({
  rule: z.enum(auditRuleIds),
  severity: z.enum(severities),
  status: z.enum(findingStatuses),
  userKey: z.string(),
  email: z.string().optional(),
  detail: z.string(),
  exception: z
    .object({ reason: z.string(), owner: z.string(), expires: z.string(), expired: z.boolean() })
    .optional(),
});
export type StoredFinding = z.infer<typeof findingSchema>;

/** The findings of findings.json, in the file's order (by rule, then user key). */
export async function* readStoredFindings(store: ObjectStore, key: string): AsyncGenerator<StoredFinding> {
  const lines = createInterface({ input: await openOrFail(store, key), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    // findings.json holds one finding per line, indented four spaces, with its comma.
    if (!line.startsWith('    {')) continue;
    const text = line.trim().replace(/,$/, '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new RollcallError(`${store.locate(key)} line ${number} is not JSON`, { cause });
    }
    const parsed = findingSchema.safeParse(json);
    if (!parsed.success) {
      throw new RollcallError(
        `${store.locate(key)} line ${number} is not a finding: ${z.prettifyError(parsed.error)}`,
      );
    }
    yield parsed.data;
  }
}

/** The rows of changes.csv after its header, each cell as the audit meant it (neutralising undone). */
export async function* readStoredChanges(store: ObjectStore, key: string): AsyncGenerator<string[]> {
  const rows = (await openOrFail(store, key)).pipe(
    parse({ bom: true, from_line: 2, relax_column_count: false }),
  );
  for await (const row of rows as AsyncIterable<string[]>) yield row.map(unneutralised);
}

/**
 * The CSV writer puts `'` before a text cell that starts like a formula; in the workbook every
 * cell is text anyway, so the mark comes off.
 */
export function unneutralised(cell: string): string {
  return /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(cell) ? cell.slice(1) : cell;
}

async function openOrFail(store: ObjectStore, key: string): Promise<Readable> {
  const body = await store.openRead(key);
  if (body === undefined) throw new RollcallError(`${store.locate(key)} is missing: audit the run first`);
  return body;
}
