import { describe, expect, it } from 'vitest';
import {
  BASELINE_MINIMUM_NIGHTS,
  churnBaseline,
  type NightChurn,
  withChurnBaseline,
} from '../../functions/diff/churn-baseline.ts';
import { massChangeVerdict } from '../../functions/diff/mass-change.ts';

const threshold = { percent: 5, minimum: 5 };

function nights(churn: readonly (readonly [removedUsers: number, lostMemberships: number])[]): NightChurn[] {
  return churn.map(([removedUsers, lostMemberships], index) => ({
    runId: `202611${String(index + 1).padStart(2, '0')}T020000Z`,
    removedUsers,
    lostMemberships,
    suspect: false,
  }));
}

/** Tonight on a site of 2,500 users and 9,000 memberships, judged by the threshold and the baseline. */
function tonight(removedUsers: number, lostMemberships: number, history: readonly NightChurn[]) {
  const fixed = massChangeVerdict(
    { removedUsers, previousUsers: 2_500, lostMemberships, previousMemberships: 9_000 },
    threshold,
  );
  return withChurnBaseline(fixed, churnBaseline(history));
}

const quiet = nights(Array.from({ length: 30 }, () => [0, 0] as const));
// A site where a few people leave and a dozen memberships change every night.
const steady = nights(
  Array.from({ length: 30 }, (_, index) => [2 + (index % 4), 10 + ((index * 7) % 9)] as const),
);

describe('the mass-change verdict against the site’s own recent churn', () => {
  it('a quiet site: one removal is not an accident (the floor), a 173-member group deletion is', () => {
    expect(churnBaseline(quiet)).toMatchObject({
      applies: true,
      nights: 30,
      lostMemberships: { median: 0, mad: 0, limit: 10 },
    });
    expect(tonight(1, 1, quiet)).toMatchObject({ status: 'ok', reasons: [] });
    expect(tonight(0, 10, quiet).status).toBe('ok');
    const deletion = tonight(0, 173, quiet);
    // 173 of 9,000 memberships is under the fixed 5 % (450): only the baseline sees it.
    expect(deletion.lostMembershipsThreshold).toBe(450);
    expect(deletion.status).toBe('suspect');
    expect(deletion.reasons).toEqual([
      "173 memberships lost, far above this site's usual night (median 0, MAD 0 over its last 30 complete nights; limit 10)",
    ]);
  });

  it('a site with steady churn: its usual nights pass, a night far above them is suspect', () => {
    const baseline = churnBaseline(steady);
    expect(baseline).toMatchObject({
      applies: true,
      removedUsers: { median: 3, mad: 1, limit: 12 },
      lostMemberships: { median: 14, mad: 2 },
    });
    const limit = baseline.applies ? baseline.lostMemberships.limit : 0;
    expect(limit).toBe(Math.max(10, Math.ceil(14 + 6 * 1.4826 * 2), 42));
    expect(tonight(5, 18, steady).status).toBe('ok');
    expect(tonight(5, limit, steady).status).toBe('ok');
    expect(tonight(5, limit + 1, steady).status).toBe('suspect');
    expect(tonight(4, 173, steady).status).toBe('suspect');
    expect(tonight(12, 14, steady).status).toBe('ok');
    expect(tonight(13, 14, steady).reasons).toEqual([
      "13 users removed, far above this site's usual night (median 3, MAD 1 over its last 30 complete nights; limit 12)",
    ]);
  });

  it('leaves out nights already judged suspect, so an accident does not become the norm', () => {
    const withAccident = [
      ...steady.slice(1),
      { runId: '20261201T020000Z', removedUsers: 400, lostMemberships: 3_000, suspect: true },
    ];
    expect(churnBaseline(withAccident)).toMatchObject({ nights: 29, lostMemberships: { median: 14 } });
  });

  it('applies only once enough nights are known; before that the fixed threshold alone decides', () => {
    const young = quiet.slice(0, BASELINE_MINIMUM_NIGHTS - 1);
    expect(churnBaseline(young)).toEqual({ nights: BASELINE_MINIMUM_NIGHTS - 1, applies: false });
    expect(tonight(0, 173, young)).toMatchObject({ status: 'ok', baseline: { applies: false } });
    expect(tonight(0, 173, quiet.slice(0, BASELINE_MINIMUM_NIGHTS)).status).toBe('suspect');
  });

  it('keeps the fixed threshold’s reasons beside its own', () => {
    const verdict = tonight(200, 0, quiet);
    expect(verdict.reasons).toHaveLength(2);
    expect(verdict.reasons[0]).toContain('threshold 125');
    expect(verdict.reasons[1]).toContain('far above');
  });
});
