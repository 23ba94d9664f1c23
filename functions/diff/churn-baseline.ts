import type { ChurnBaseline, ChurnLimit, MassChangeVerdict } from './model.ts';

/** One earlier night of the site: what its audit counted (from its summary.json). */
export interface NightChurn {
  readonly runId: string;
  readonly removedUsers: number;
  readonly lostMemberships: number;
  /** Nights already judged suspect are left out: an accident must not become the norm. */
  readonly suspect: boolean;
}

/** The most recent nights the baseline looks at. */
export const BASELINE_NIGHTS = 30;
/** Fewer usable nights than this and the site has no baseline yet: only the fixed threshold applies. */
export const BASELINE_MINIMUM_NIGHTS = 7;
/** Never suspect at or below this many, however quiet the site: one removal on a silent site is not an accident. */
export const BASELINE_FLOOR = 10;
/** How many scaled MADs above the median is "far above" (about 6 standard deviations for normal churn). */
export const BASELINE_DEVIATIONS = 6;
/** And never suspect at or below this multiple of the median night. */
export const BASELINE_MEDIAN_FACTOR = 3;
/** MAD × 1.4826 estimates the standard deviation of normally distributed churn. */
const MAD_SCALE = 1.4826;

/**
 * The site's normal churn over its recent complete, audited, non-suspect nights (oldest first;
 * the last `BASELINE_NIGHTS` are used): for removed users and for lost memberships, the median
 * night, its median absolute deviation (MAD), and the limit above which tonight is "far above":
 * `max(BASELINE_FLOOR, ceil(median + 6 × 1.4826 × MAD), ceil(3 × median))`.
 */
export function churnBaseline(nights: readonly NightChurn[]): ChurnBaseline {
  const usable = nights.filter((night) => !night.suspect).slice(-BASELINE_NIGHTS);
  if (usable.length < BASELINE_MINIMUM_NIGHTS) {
    return { nights: usable.length, applies: false };
  }
  return {
    nights: usable.length,
    applies: true,
    removedUsers: limitOf(usable.map((night) => night.removedUsers)),
    lostMemberships: limitOf(usable.map((night) => night.lostMemberships)),
  };
}

function limitOf(counts: readonly number[]): ChurnLimit {
  const median = medianOf(counts);
  const mad = medianOf(counts.map((count) => Math.abs(count - median)));
  const limit = Math.max(
    BASELINE_FLOOR,
    Math.ceil(median + BASELINE_DEVIATIONS * MAD_SCALE * mad),
    Math.ceil(BASELINE_MEDIAN_FACTOR * median),
  );
  return { median, mad, limit };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/**
 * The verdict with the site's own history beside the fixed threshold: tonight's removals or lost
 * memberships above the baseline's limit make it suspect even when the threshold was not reached.
 */
export function withChurnBaseline(verdict: MassChangeVerdict, baseline: ChurnBaseline): MassChangeVerdict {
  if (!baseline.applies) return { ...verdict, baseline };
  const reasons = [...verdict.reasons];
  const check = (count: number, limit: ChurnLimit, what: string) => {
    if (count <= limit.limit) return;
    reasons.push(
      `${countFormat.format(count)} ${what}, far above this site's usual night (median ${countFormat.format(limit.median)}, MAD ${countFormat.format(limit.mad)} over its last ${baseline.nights} complete nights; limit ${countFormat.format(limit.limit)})`,
    );
  };
  check(
    verdict.removedUsers,
    baseline.removedUsers,
    verdict.removedUsers === 1 ? 'user removed' : 'users removed',
  );
  check(
    verdict.lostMemberships,
    baseline.lostMemberships,
    verdict.lostMemberships === 1 ? 'membership lost' : 'memberships lost',
  );
  return { ...verdict, status: reasons.length > 0 ? 'suspect' : 'ok', reasons, baseline };
}
