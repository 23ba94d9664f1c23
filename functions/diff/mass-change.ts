import type { MassChangeThreshold, MassChangeVerdict } from './model.ts';

/** What the verdict is judged on: the losses and the previous snapshot's sizes they are measured against. */
export interface MassChangeCounts {
  readonly removedUsers: number;
  /** Users in the previous snapshot. */
  readonly previousUsers: number;
  readonly lostMemberships: number;
  /** Distinct (user, group) pairs in the previous snapshot. */
  readonly previousMemberships: number;
}

/**
 * An accidental mass delete and a truncated export look the same from here: many users or
 * memberships gone at once. Either count reaching its threshold makes the diff `suspect`.
 */
export function massChangeVerdict(
  counts: MassChangeCounts,
  threshold: MassChangeThreshold,
): MassChangeVerdict {
  const removedUsersThreshold = massChangeThreshold(counts.previousUsers, threshold);
  const lostMembershipsThreshold = massChangeThreshold(counts.previousMemberships, threshold);
  const reasons: string[] = [];
  if (reaches(counts.removedUsers, removedUsersThreshold)) {
    reasons.push(
      reason(
        counts.removedUsers,
        'user removed',
        'users removed',
        counts.previousUsers,
        removedUsersThreshold,
      ),
    );
  }
  if (reaches(counts.lostMemberships, lostMembershipsThreshold)) {
    reasons.push(
      reason(
        counts.lostMemberships,
        'membership lost',
        'memberships lost',
        counts.previousMemberships,
        lostMembershipsThreshold,
      ),
    );
  }
  return {
    status: reasons.length > 0 ? 'suspect' : 'ok',
    removedUsers: counts.removedUsers,
    removedUsersThreshold,
    lostMemberships: counts.lostMemberships,
    lostMembershipsThreshold,
    reasons,
  };
}

/**
 * `max(minimum, ceil(percent % of previous))`. Computed as `percent × previous / 100` because
 * `percent / 100` is inexact in binary (7 / 100 × 100 is 7.000000000000001, whose ceiling would
 * be 8); a result within rounding noise of a whole number is taken as that number.
 */
export function massChangeThreshold(previous: number, threshold: MassChangeThreshold): number {
  const share = (threshold.percent * previous) / 100;
  const whole = Math.round(share);
  const proportional = Math.abs(share - whole) <= 1e-9 * Math.max(1, share) ? whole : Math.ceil(share);
  return Math.max(threshold.minimum, proportional);
}

/** A threshold of 0 (minimum 0, empty previous snapshot) must not call "nothing lost" suspect. */
function reaches(count: number, threshold: number): boolean {
  return count > 0 && count >= threshold;
}

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percentFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** `120 users removed (2.4 % of 5,000; threshold 250)`: fixed en-US formatting, the same on every machine. */
function reason(count: number, one: string, many: string, previous: number, threshold: number): string {
  const what = `${countFormat.format(count)} ${count === 1 ? one : many}`;
  if (previous === 0)
    return `${what} (the previous snapshot had none; threshold ${countFormat.format(threshold)})`;
  const percent = (count / previous) * 100;
  // Rounding 1 of 200,000 to "0 %" would read as "nothing": say how small instead.
  const percentText = percent < 0.05 ? '< 0.1' : percentFormat.format(percent);
  return `${what} (${percentText} % of ${countFormat.format(previous)}; threshold ${countFormat.format(threshold)})`;
}
