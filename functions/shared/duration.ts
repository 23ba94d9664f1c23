/** Seconds in each unit a duration may use, largest first. */
const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * A duration such as `30m`, `24h`, `7d` or `1d12h`, in whole seconds: numbers with a unit (`d`, `h`,
 * `m`, `s`), largest unit first, each unit at most once. `undefined` when the text is not one, or
 * when it is zero. A bare number is refused: minutes and seconds are both plausible readings.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match || match.slice(1).every((part) => part === undefined)) return undefined;
  const [, days, hours, minutes, seconds] = match;
  const total =
    Number(days ?? 0) * UNIT_SECONDS.d +
    Number(hours ?? 0) * UNIT_SECONDS.h +
    Number(minutes ?? 0) * UNIT_SECONDS.m +
    Number(seconds ?? 0) * UNIT_SECONDS.s;
  return Number.isSafeInteger(total) && total > 0 ? total : undefined;
}
