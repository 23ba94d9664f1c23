import type { Readable } from 'node:stream';
import type { Options } from 'csv-stringify';
import type { CanonicalGroup, CanonicalUser } from '../shared/model.ts';
import { textStream } from '../shared/text-stream.ts';

/**
 * CSV that auditors open in Excel (DESIGN.md): comma, RFC 4180 quoting, UTF-8 with BOM, CRLF,
 * a header row. A cell holding `;` or a tab is quoted too: LibreOffice's default import splits on
 * both as well as on commas, and a quoted cell is never split. Text cells that Excel would
 * evaluate as a formula (leading `=`, `+`, `-`, `@`, tab, carriage return, and their full-width
 * forms) get a leading `'`; numbers keep their sign.
 */
export type CsvCell = string | number | boolean | null | undefined;
export type CsvRow = readonly CsvCell[];

export const usersCsvHeader = [
  'key',
  'id',
  'email',
  'first_name',
  'last_name',
  'status',
  'groups',
  'last_login_at',
  'password_updated_at',
  'mfa_enabled',
  'created_at',
  'group_keys',
] as const;

export const groupsCsvHeader = ['key', 'id', 'name', 'access', 'description', 'member_count'] as const;

export const membershipsCsvHeader = ['user_key', 'group_key', 'user_email', 'group_name'] as const;

/** Separates group names and keys inside the users.csv `groups` and `group_keys` cells. */
export const GROUPS_CELL_SEPARATOR = '; ';

/**
 * The format as csv-stringify options, for writers that use the library directly (and the
 * reference the tests hold `csvStream` to, byte for byte).
 */
export const excelCsvOptions = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  record_delimiter: '\r\n',
  // With an explicit record delimiter csv-stringify quotes only cells holding "\r\n" itself;
  // a lone "\n" or "\r" left unquoted splits the row in Excel.
  quote_record_delimiter: true,
  // Spreadsheets that also split on semicolons and tabs read a quoted cell whole.
  quoted_match: /[;\t]/,
  escape_formulas: true,
  bom: true,
  header: true,
  cast: { boolean: (value: boolean) => (value ? 'true' : 'false') },
} as const satisfies Options;

const BOM = '\uFEFF';
const NEEDS_QUOTES = /[",;\t\r\n]/;
/** What Excel, LibreOffice and Numbers may read as the start of a formula (csv-stringify's list). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * A stream of CSV bytes: BOM and header first, then the rows, formatted as the reader asks for
 * them, so a large file is never held in memory as a whole.
 *
 * The same output as csv-stringify with `excelCsvOptions` (the unit tests compare them), written
 * out here because this is the export's hot path: csv-stringify's general per-cell machinery
 * costs three to four times as much for a 50,000-user site.
 */
export function csvStream(header: readonly string[], rows: Iterable<CsvRow>): Readable {
  return textStream(csvLines(header, rows));
}

/** The first bytes of every CSV file: the BOM Excel needs to read UTF-8, then the header row. */
export function csvHeaderLine(header: readonly string[]): string {
  return BOM + csvLine(header);
}

function* csvLines(header: readonly string[], rows: Iterable<CsvRow>): Generator<string> {
  yield csvHeaderLine(header);
  for (const row of rows) yield csvLine(row);
}

/** One row with its CRLF. */
export function csvLine(row: CsvRow): string {
  let line = row.length > 0 ? csvCell(row[0]) : '';
  for (let i = 1; i < row.length; i++) line += `,${csvCell(row[i])}`;
  return `${line}\r\n`;
}

/** One cell: empty for null/undefined, `true`/`false`, numbers as written, text neutralised then quoted if needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A group's name for users.csv and memberships.csv; its key when the snapshot has no such group. */
export type GroupNameOf = (groupKey: string) => string;

export function userCsvRow(user: CanonicalUser, nameOf: GroupNameOf): CsvRow {
  return [
    user.key,
    user.id,
    user.email,
    user.firstName,
    user.lastName,
    user.status,
    user.groups.map(nameOf).join(GROUPS_CELL_SEPARATOR),
    user.lastLoginAt,
    user.passwordUpdatedAt,
    user.mfaEnabled,
    user.createdAt,
    user.groups.join(GROUPS_CELL_SEPARATOR),
  ];
}

/**
 * A users.csv row without its group names, which are known only once the export has listed the
 * groups: the cells before `groups` (with their trailing comma) and from `last_login_at` on.
 */
export interface UserCsvParts {
  readonly head: string;
  readonly tail: string;
}

export function userCsvParts(user: CanonicalUser): UserCsvParts {
  const before = [user.key, user.id, user.email, user.firstName, user.lastName, user.status];
  const after = [
    user.lastLoginAt,
    user.passwordUpdatedAt,
    user.mfaEnabled,
    user.createdAt,
    user.groups.join(GROUPS_CELL_SEPARATOR),
  ];
  // csvLine ends with CRLF; the parts are the cells with the commas that join them to `groups`.
  return { head: `${csvLine(before).slice(0, -2)},`, tail: `,${csvLine(after).slice(0, -2)}` };
}

/** The users.csv line of a user split by `userCsvParts`, with its group names filled in. */
export function userCsvLine(parts: UserCsvParts, groupKeys: readonly string[], nameOf: GroupNameOf): string {
  return `${parts.head}${csvCell(groupKeys.map(nameOf).join(GROUPS_CELL_SEPARATOR))}${parts.tail}\r\n`;
}

export function groupCsvRow(group: CanonicalGroup): CsvRow {
  return [group.key, group.id, group.name, group.access, group.description, group.memberCount];
}

export function groupsCsv(groups: Iterable<CanonicalGroup>): Readable {
  return csvStream(groupsCsvHeader, mapIterable(groups, groupCsvRow));
}

/** The group keys of a user's rows in memberships.csv: sorted by code unit, each once. */
export function membershipGroupKeys(user: CanonicalUser): string[] {
  return [...new Set(user.groups)].sort();
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}
