/** A day is exactly 24 hours here: DESIGN.md defines "older than N days" as N × 24 h, not calendar days. */
export const DAY_MS = 86_400_000;

/** Strictly more than `days` × 24 h: exactly the limit still passes. */
export function isOlderThan(ageMs: number, days: number): boolean {
  return ageMs > days * DAY_MS;
}

/** Whole days elapsed, rounded down, for details people read (45 days + 1 ms reads "45 days"). */
export function wholeDays(ageMs: number): number {
  return Math.floor(ageMs / DAY_MS);
}

export function dayCount(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}

/**
 * The `YYYY-MM-DD` part of a canonical timestamp. Canonical times are normalised ISO-8601 UTC
 * (DESIGN.md), so the day is the first ten characters; no Date needs to be built for it.
 */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}
