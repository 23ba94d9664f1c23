import { escapeHtml } from './escape.ts';

export interface Column<T> {
  /** Plain text; escaped. */
  readonly header: string;
  /** Right-aligned header for a column of numbers. */
  readonly numeric?: boolean;
  /** The whole `<td>…</td>` for a row, already escaped (see escape.ts). */
  readonly cell: (row: T) => string;
}

export interface TableOptions<T> {
  /** Plain text; escaped. */
  readonly caption?: string;
  /** Said instead of an empty table. Plain text; escaped. */
  readonly empty: string;
  /** Extra attributes of a row's `<tr>`, with a leading space (e.g. ` data-status="FAIL"`). */
  readonly rowAttributes?: (row: T) => string;
  /** A long table: scrolls inside a box with a sticky header on screen, printed in full. */
  readonly tall?: boolean;
  readonly className?: string;
}

/**
 * A data table built as one array of fragments joined once: the findings table can have
 * 100,000+ rows, and nested template concatenation would copy the growing string every row.
 */
export function table<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  options: TableOptions<T>,
): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(options.empty)}</p>`;
  const parts: string[] = [];
  parts.push(
    options.tall === true ? '<div class="table-wrap tall">' : '<div class="table-wrap">',
    options.className === undefined ? '<table>' : `<table class="${options.className}">`,
  );
  if (options.caption !== undefined) parts.push('<caption>', escapeHtml(options.caption), '</caption>');
  parts.push('<thead><tr>');
  for (const column of columns) {
    parts.push(column.numeric === true ? '<th scope="col" class="num">' : '<th scope="col">');
    parts.push(escapeHtml(column.header), '</th>');
  }
  parts.push('</tr></thead><tbody>');
  const rowAttributes = options.rowAttributes;
  for (const row of rows) {
    parts.push(rowAttributes === undefined ? '<tr>' : `<tr${rowAttributes(row)}>`);
    for (const column of columns) parts.push(column.cell(row));
    parts.push('</tr>');
  }
  parts.push('</tbody></table></div>');
  return parts.join('');
}

export type Fact = readonly [label: string, valueHtml: string, width?: 'wide'];

/** A definition list of label → HTML value pairs (values already escaped); a wide one takes a whole row. */
export function definitions(facts: readonly Fact[]): string {
  const parts: string[] = ['<dl class="facts">'];
  for (const [label, value, width] of facts) {
    parts.push(
      width === 'wide' ? '<div class="wide">' : '<div>',
      '<dt>',
      escapeHtml(label),
      '</dt><dd>',
      value,
      '</dd></div>',
    );
  }
  parts.push('</dl>');
  return parts.join('');
}
