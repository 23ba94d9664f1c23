/** Generated timestamps lie before this instant unless a site names another. */
export const DEFAULT_REFERENCE_DATE = '2026-11-01T00:00:00Z';

export function parseReferenceDate(referenceDate: string = DEFAULT_REFERENCE_DATE): number {
  const ms = Date.parse(referenceDate);
  if (Number.isNaN(ms)) throw new RangeError(`referenceDate is not a date: ${referenceDate}`);
  return ms;
}

/** A count option (users, groups…): a whole number, at least `min`. */
export function checkCount(name: string, value: number, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(
      min === 0
        ? `${name} must be a non-negative integer, got ${value}`
        : `${name} must be an integer >= ${min}, got ${value}`,
    );
  }
}

/** Plain code-unit order: locale-free, so every process sorts and binary-searches alike. */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
