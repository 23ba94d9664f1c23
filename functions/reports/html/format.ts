import type { FieldValue } from '../../diff/model.ts';
import { escapeHtml } from './escape.ts';

const counts = new Intl.NumberFormat('en-US');

/** `1234567` → `1,234,567`. */
export function formatCount(value: number): string {
  return counts.format(value);
}

const percents = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** `12.5` → `12.5 %`. */
export function formatPercent(value: number): string {
  return `${percents.format(value)} %`;
}

/**
 * An ISO time as UTC ISO-8601 without milliseconds when they are zero: `2026-11-22T02:00:00Z`.
 * A value that does not parse is returned as it is (the caller escapes it).
 */
export function formatUtc(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Date(time).toISOString().replace('.000Z', 'Z');
}

/** A `<time>` element for an ISO timestamp, shown in UTC. */
export function timeHtml(iso: string): string {
  const shown = escapeHtml(formatUtc(iso));
  return `<time datetime="${shown}">${shown}</time>`;
}

/** The `YYYY-MM-DD` UTC day of an ISO time. */
export function formatDay(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time).toISOString().slice(0, 10);
}

/** `1 user`, `2 users`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** Bytes for people, exact count kept: `1,234,567 bytes (1.2 MiB)`. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = '';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  const exact = plural(bytes, 'byte');
  return unit === '' ? exact : `${exact} (${value.toFixed(1)} ${unit})`;
}

/**
 * A diff field value as HTML: absent and empty are told apart (they mean different things in
 * the canonical model), strings are escaped and bidi-isolated.
 */
export function fieldValueHtml(value: FieldValue): string {
  if (value === undefined) return '<span class="none">(absent)</span>';
  if (value === null) return '<span class="none">(empty)</span>';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === '') return '<span class="none">(empty string)</span>';
  return `<bdi>${escapeHtml(value)}</bdi>`;
}
