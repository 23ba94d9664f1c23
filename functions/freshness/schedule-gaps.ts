/**
 * When an EventBridge Scheduler expression fires, and the longest wait between two firings: the
 * window after which a site's missing snapshot is overdue. Cron expressions are evaluated in the
 * site's time zone over two years, so weekends, weeks, month ends and both daylight-saving
 * changes are all inside the window. A local time that a spring-forward skips fires at the
 * instant the clock jumps to, an hour later on the wall clock; a local time an autumn change
 * repeats is counted once, at its later instant, which only ever lengthens the window.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Two years: every weekday, month end and daylight-saving change occurs in it at least once. */
const HORIZON_DAYS = 731;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A schedule expression the freshness window cannot be derived from; the message says why. */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

/** The longest time, in milliseconds, between two consecutive firings of `expression` in `timeZone`. */
export function longestGap(expression: string, timeZone: string, from: Date): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unit = rate[2]?.startsWith('minute') ? MINUTE : rate[2]?.startsWith('hour') ? HOUR : DAY;
    return Number(rate[1]) * unit;
  }
  const times = firings(expression, timeZone, from, new Date(from.getTime() + HORIZON_DAYS * DAY));
  if (times.length < 2) {
    throw new ScheduleError(
      `${expression} fires fewer than twice in two years, so no snapshot can be expected`,
    );
  }
  let gap = 0;
  for (let index = 1; index < times.length; index += 1) {
    gap = Math.max(gap, (times[index] as number) - (times[index - 1] as number));
  }
  return gap;
}

/** Every firing of a `cron(...)` expression in `[from, to)`, as UTC milliseconds, ascending. */
export function firings(expression: string, timeZone: string, from: Date, to: Date): number[] {
  const match = /^cron\((.+)\)$/.exec(expression);
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) {
    throw new ScheduleError(`${expression} is not cron(minutes hours day-of-month month day-of-week year)`);
  }
  const [minuteField, hourField, domField, monthField, dowField, yearField] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const minutes = numbers(minuteField, 0, 59, [], expression);
  const hours = numbers(hourField, 0, 23, [], expression);
  const months = numbers(monthField, 1, 12, MONTHS, expression);
  const years = yearField === '*' ? undefined : numbers(yearField, 1970, 2199, [], expression);
  const dayMatches = dayMatcher(domField, dowField, expression);
  const offsets = new OffsetFinder(timeZone);

  const out: number[] = [];
  // Walk local calendar days, starting the day before so a firing just after `from` is kept.
  const start = new Date(from.getTime() - DAY);
  for (let day = 0; day <= HORIZON_DAYS + 2; day += 1) {
    const date = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + day));
    const [year, month, dom] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (years && !years.has(year)) continue;
    if (!months.has(month) || !dayMatches(year, month, dom)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const time = offsets.utcOf(year, month, dom, hour, minute);
        if (time >= from.getTime() && time < to.getTime()) out.push(time);
      }
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** `*`, `5`, `1-5`, `*\/15`, `10-50/10`, `MON-FRI`, and lists of them. */
function numbers(
  field: string,
  low: number,
  high: number,
  names: readonly string[],
  expression: string,
): Set<number> {
  const value = (text: string) => {
    const named = names.indexOf(text.toUpperCase());
    const number = named >= 0 ? named + 1 : Number(text);
    if (!Number.isInteger(number) || number < low || number > high) {
      throw new ScheduleError(`${expression}: "${text}" is not between ${low} and ${high}`);
    }
    return number;
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleError(`${expression}: bad step in "${part}"`);
    let first = low;
    let last = high;
    if (range !== '*' && range !== '?') {
      const [a = '', b] = range.split('-');
      first = value(a);
      last = b === undefined ? (stepText === undefined ? first : high) : value(b);
    }
    for (let n = first; n <= last; n += step) out.add(n);
  }
  return out;
}

type DayMatcher = (year: number, month: number, day: number) => boolean;

function dayMatcher(dom: string, dow: string, expression: string): DayMatcher {
  const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
  const weekday = (year: number, month: number, day: number) =>
    new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1; // 1 = SUN … 7 = SAT
  if (dom === '?' || (dom === '*' && dow !== '?' && dow !== '*')) {
    if (dow === '*' || dow === '?') return () => true;
    const nth = /^(\w+)#([1-5])$/.exec(dow);
    if (nth) {
      const target = numbers(nth[1] as string, 1, 7, WEEKDAYS, expression);
      const n = Number(nth[2]);
      return (y, m, d) => target.has(weekday(y, m, d)) && Math.ceil(d / 7) === n;
    }
    const last = /^(\w+)L$/.exec(dow);
    if (last) {
      const target = numbers(last[1] as string, 1, 7, WEEKDAYS, expression);
      return (y, m, d) => target.has(weekday(y, m, d)) && d + 7 > daysIn(y, m);
    }
    const days = numbers(dow, 1, 7, WEEKDAYS, expression);
    return (y, m, d) => days.has(weekday(y, m, d));
  }
  if (dow !== '?' && dow !== '*') {
    throw new ScheduleError(`${expression}: one of day-of-month and day-of-week must be ?`);
  }
  if (dom === '*') return () => true;
  if (dom === 'L') return (y, m, d) => d === daysIn(y, m);
  const nearestWeekday = /^(\d+|L)W$/.exec(dom);
  if (nearestWeekday) {
    return (y, m, d) => {
      const last = daysIn(y, m);
      const wanted = nearestWeekday[1] === 'L' ? last : Math.min(Number(nearestWeekday[1]), last);
      const day = weekday(y, m, wanted);
      let target = wanted;
      if (day === 7) target = wanted === 1 ? 3 : wanted - 1;
      else if (day === 1) target = wanted === last ? wanted - 2 : wanted + 1;
      return d === target;
    };
  }
  const days = numbers(dom, 1, 31, [], expression);
  return (_y, _m, d) => days.has(d);
}

/** Turns a wall-clock time in one time zone into UTC, with Intl's time-zone data. */
class OffsetFinder {
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Milliseconds the zone is ahead of UTC at `instant`. */
  private offsetAt(instant: number): number {
    const parts = this.format.formatToParts(new Date(instant));
    const part = (type: Intl.DateTimeFormatPartTypes) =>
      Number(parts.find((entry) => entry.type === type)?.value);
    const wall = Date.UTC(
      part('year'),
      part('month') - 1,
      part('day'),
      part('hour'),
      part('minute'),
      part('second'),
    );
    return wall - Math.floor(instant / 1000) * 1000;
  }

  utcOf(year: number, month: number, day: number, hour: number, minute: number): number {
    const wall = Date.UTC(year, month - 1, day, hour, minute);
    // Two passes settle on the offset in force at the result; in a skipped hour the second pass
    // lands after the jump, which is when the schedule fires.
    const first = wall - this.offsetAt(wall);
    const second = wall - this.offsetAt(first);
    return Math.max(first, second);
  }
}
