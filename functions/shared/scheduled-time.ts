/**
 * A run's scheduled time decides its id, its date partition and every age its audit computes,
 * so it must be a real calendar time and not in the future: a run scheduled far ahead would
 * sort after every real night and hold latest.json for good.
 */

/** How far ahead of the clock a scheduled time may be: a schedule firing early, clocks apart. */
export const MAX_SCHEDULE_AHEAD_MS = 24 * 60 * 60 * 1000;

/** parseIsoTime's problem for text that is not shaped like an ISO-8601 time at all. */
const NOT_ISO_TIME = 'is not an ISO-8601 time such as 2026-11-22T02:00:00Z';

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The instant an ISO-8601 time names (a date alone is its midnight UTC), or why it names none.
 * `Date` rolls impossible dates over (`2026-02-30` becomes 2 March); this refuses them.
 */
export function parseIsoTime(text: string): { time: Date } | { problem: string } {
  const match = ISO_TIME.exec(text);
  if (!match) return { problem: NOT_ISO_TIME };
  const [, year, month, day, hour = '00', minute = '00', second = '00', zone = 'Z'] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  const calendar = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const exists =
    calendar.getUTCFullYear() === y &&
    calendar.getUTCMonth() === mo - 1 &&
    calendar.getUTCDate() === d &&
    calendar.getUTCHours() === h &&
    calendar.getUTCMinutes() === mi &&
    calendar.getUTCSeconds() === s &&
    /^[+-](?:[01]\d|2[0-3]):[0-5]\d$|^Z$/.test(zone);
  if (!exists) return { problem: 'is not a real calendar time (no such day, hour, minute or offset)' };
  const time = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(time.getTime()))
    return { problem: 'is not an ISO-8601 time such as 2026-11-22T02:00:00Z' };
  return { time };
}

/** Why `scheduledAt` cannot be a run's scheduled time at `now`, or undefined when it can. */
export function futureScheduleProblem(scheduledAt: Date, now: Date): string | undefined {
  if (scheduledAt.getTime() - now.getTime() <= MAX_SCHEDULE_AHEAD_MS) return undefined;
  return `is more than a day ahead of now (${now.toISOString()}); a run may be scheduled at most 24 hours ahead`;
}
