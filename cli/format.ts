/** Plain-text tables and numbers for people; `--json` output never goes through here. */

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** `834 B`, `12.4 KB`, `3.1 MB` (1 KB = 1,024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(1)}s`;
}

/** Left-aligned text columns, right-aligned numbers, two spaces between columns. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  /** Columns to right-align although some rows hold text (a '-' for no value). */
  rightAligned: readonly number[] = [],
): string {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatCount(cell) : cell))),
  ];
  const numeric = header.map(
    (_, column) =>
      rightAligned.includes(column) ||
      (rows.length > 0 && rows.every((row) => typeof row[column] === 'number')),
  );
  const widths = header.map((_, column) => Math.max(...cells.map((row) => String(row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => {
          const text = String(cell ?? '');
          const width = widths[column] ?? 0;
          return numeric[column] ? text.padStart(width) : text.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** JSON for `--json`: the original errors kept for `--debug` are left out. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (key, inner) => (key === 'error' ? undefined : inner), 2)}\n`;
}
