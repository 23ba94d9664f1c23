/** The form the API documents and rollcall stores: `2014-02-06T23:46:07.118Z`. */
const canonicalForm = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isoInstant =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO-8601 timestamp as UTC with `Z` and milliseconds, or undefined when it is not one.
 * A timestamp without a zone is read as UTC (never as the machine's local time, which is what
 * `Date.parse` would do); digits beyond milliseconds are dropped; impossible dates such as
 * 2026-02-30 are refused instead of rolled over.
 */
export function normaliseTimestamp(value: string): string | undefined {
  // Nearly every value is already canonical: check it with arithmetic only, because building
  // Date objects for 200 timestamps a page is what would make paging CPU-bound.
  if (canonicalForm.test(value)) {
    const year = digitsAt(value, 0) * 100 + digitsAt(value, 2);
    const real = isRealInstant(
      year,
      digitsAt(value, 5),
      digitsAt(value, 8),
      digitsAt(value, 11),
      digitsAt(value, 14),
      digitsAt(value, 17),
    );
    return real ? value : undefined;
  }
  return normaliseOtherForms(value);
}

/** The two-digit number at `at` (the caller has checked both are digits). */
function digitsAt(value: string, at: number): number {
  return (value.charCodeAt(at) - 48) * 10 + value.charCodeAt(at + 1) - 48;
}

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (daysInMonth[month - 1] ?? 0));
}

function normaliseOtherForms(value: string): string | undefined {
  const match = isoInstant.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isRealInstant(y, mo, d, h, mi, s)) return undefined;
  const offsetMinutes = zoneOffsetMinutes(zone);
  if (offsetMinutes === undefined) return undefined;
  const local = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, Number(fraction.slice(0, 3).padEnd(3, '0'))));
  local.setUTCFullYear(y);
  const iso = new Date(local.getTime() - offsetMinutes * 60_000).toISOString();
  // toISOString writes years outside 0000–9999 with a sign, which is not the canonical form.
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}
