/**
 * LumApps timestamps are naive ISO strings with microseconds and no zone
 * (`2019-03-12T11:48:55.684166`); Python leaves the fraction out when it is zero. rollcall reads
 * them as UTC (never as the machine's local time, which is what `Date.parse` would do) and stores
 * ISO-8601 with milliseconds and `Z`. A zone, should the API ever send one, is honoured.
 */
const form = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The instant as `YYYY-MM-DDTHH:MM:SS.mmmZ`, or undefined when the text is not a real timestamp. */
export function lumAppsTimestampToIso(value: string): string | undefined {
  const match = form.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const monthDays = mo === 2 && leap ? 29 : (daysInMonth[mo - 1] ?? 0);
  // Impossible dates such as 2026-02-30 are refused, not rolled over into March.
  if (mo < 1 || mo > 12 || d < 1 || d > monthDays || h > 23 || mi > 59 || s > 59) return undefined;
  const offset = zoneOffsetMinutes(zone);
  if (offset === undefined) return undefined;
  // Digits beyond milliseconds are dropped (truncated, never rounded into the next second).
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const instant = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
  instant.setUTCFullYear(y);
  const iso = new Date(instant.getTime() - offset * 60_000).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}
