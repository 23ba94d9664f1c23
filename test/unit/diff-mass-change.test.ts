import { describe, expect, it } from 'vitest';
import type { AuditedUser } from '../../functions/audit/model.ts';
import {
  type MassChangeCounts,
  massChangeThreshold,
  massChangeVerdict,
} from '../../functions/diff/mass-change.ts';
import { type DiffSide, diffSnapshots } from '../support/diff-arrays.ts';

const DEFAULT = { percent: 5, minimum: 5 };

function counts(fields: Partial<MassChangeCounts>): MassChangeCounts {
  return { removedUsers: 0, previousUsers: 0, lostMemberships: 0, previousMemberships: 0, ...fields };
}

/** `count` users, `user-000` … in key order, each in the groups `groupsOf(i)` returns. */
function users(count: number, groupsOf: (i: number) => string[] = () => []): AuditedUser[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `user-${String(i).padStart(3, '0')}`,
    email: `user-${i}@acme.test`,
    status: 'active',
    groups: groupsOf(i),
  }));
}

function side(runId: string, list: AuditedUser[]): DiffSide {
  return { runId, users: list, groups: [] };
}

describe('mass-change threshold', () => {
  it('is the percentage of the previous count, rounded up, when that is above the minimum', () => {
    expect(massChangeThreshold(5_000, DEFAULT)).toBe(250);
    expect(massChangeThreshold(101, DEFAULT)).toBe(6); // 5.05 → 6
  });

  it('is the minimum when the percentage is below it', () => {
    expect(massChangeThreshold(40, DEFAULT)).toBe(5); // 2 < 5
    expect(massChangeThreshold(100, DEFAULT)).toBe(5); // equal: either way 5
  });

  it('is not pushed up by binary rounding of the percentage', () => {
    // 7 / 100 × 100 is 7.000000000000001 in floating point.
    expect(massChangeThreshold(100, { percent: 7, minimum: 0 })).toBe(7);
    expect(massChangeThreshold(1_000, { percent: 0.7, minimum: 0 })).toBe(7);
    expect(massChangeThreshold(1_000, { percent: 2.3, minimum: 0 })).toBe(23);
  });

  it('is 0 for an empty previous snapshot with a minimum of 0, else the minimum', () => {
    expect(massChangeThreshold(0, { percent: 5, minimum: 0 })).toBe(0);
    expect(massChangeThreshold(0, DEFAULT)).toBe(5);
  });
});

describe('mass-change verdict', () => {
  describe.each([
    ['removed users', 'removedUsers', 'previousUsers'],
    ['lost memberships', 'lostMemberships', 'previousMemberships'],
  ] as const)('on %s', (_, countField, previousField) => {
    const verdict = (count: number, previous: number, threshold = DEFAULT) =>
      massChangeVerdict(counts({ [countField]: count, [previousField]: previous }), threshold);

    it('is ok just below the percentage threshold', () => {
      expect(verdict(249, 5_000)).toMatchObject({ status: 'ok', reasons: [] });
    });

    it('is suspect at the percentage threshold (reaching it is enough)', () => {
      const result = verdict(250, 5_000);
      expect(result.status).toBe('suspect');
      expect(result.reasons).toHaveLength(1);
    });

    it('is suspect just above the percentage threshold', () => {
      expect(verdict(251, 5_000).status).toBe('suspect');
    });

    it('lets the minimum dominate a small snapshot', () => {
      // 5 % of 40 is 2; the minimum of 5 holds.
      expect(verdict(4, 40).status).toBe('ok');
      expect(verdict(5, 40).status).toBe('suspect');
      expect(verdict(6, 40).status).toBe('suspect');
    });

    it('lets the percentage dominate a big snapshot', () => {
      // The minimum of 5 is far below 5 % of 5,000.
      expect(verdict(5, 5_000).status).toBe('ok');
    });

    it('never calls nothing lost suspect, even against a threshold of 0', () => {
      const result = verdict(0, 0, { percent: 5, minimum: 0 });
      expect(result).toMatchObject({ status: 'ok', reasons: [] });
    });

    it('calls a loss against a threshold of 0 suspect', () => {
      expect(verdict(1, 0, { percent: 5, minimum: 0 }).status).toBe('suspect');
    });
  });

  it('reports both counts and both thresholds', () => {
    const result = massChangeVerdict(
      counts({ removedUsers: 3, previousUsers: 1_000, lostMemberships: 7, previousMemberships: 4_000 }),
      DEFAULT,
    );
    expect(result).toEqual({
      status: 'ok',
      removedUsers: 3,
      removedUsersThreshold: 50,
      lostMemberships: 7,
      lostMembershipsThreshold: 200,
      reasons: [],
    });
  });

  it('says in one readable sentence per threshold reached what was lost, of how many, against what', () => {
    const result = massChangeVerdict(
      counts({
        removedUsers: 120,
        previousUsers: 5_000,
        lostMemberships: 1_234,
        previousMemberships: 24_680,
      }),
      { percent: 2, minimum: 5 },
    );
    expect(result.reasons).toEqual([
      '120 users removed (2.4 % of 5,000; threshold 100)',
      '1,234 memberships lost (5 % of 24,680; threshold 494)',
    ]);
  });

  it('gives only the reason for the threshold that was reached', () => {
    const result = massChangeVerdict(
      counts({ removedUsers: 1, previousUsers: 10, lostMemberships: 1, previousMemberships: 200_000 }),
      { percent: 5, minimum: 1 },
    );
    expect(result.reasons).toEqual(['1 user removed (10 % of 10; threshold 1)']);
  });

  it('does not round a tiny share down to 0 %', () => {
    const result = massChangeVerdict(counts({ lostMemberships: 1, previousMemberships: 200_000 }), {
      percent: 0.0001,
      minimum: 1,
    });
    expect(result.reasons).toEqual(['1 membership lost (< 0.1 % of 200,000; threshold 1)']);
  });

  it('words a loss against an empty previous snapshot without a percentage', () => {
    const result = massChangeVerdict(counts({ removedUsers: 2 }), { percent: 5, minimum: 0 });
    expect(result.reasons).toEqual(['2 users removed (the previous snapshot had none; threshold 0)']);
  });
});

describe('mass-change verdict of a diff', () => {
  it('is suspect when removed users reach 5 % of the previous snapshot, ok one below', () => {
    const before = users(200);
    const justBelow = diffSnapshots(side('a', before), side('b', before.slice(9)), DEFAULT);
    expect(justBelow.verdict).toMatchObject({ status: 'ok', removedUsers: 9, removedUsersThreshold: 10 });
    const at = diffSnapshots(side('a', before), side('b', before.slice(10)), DEFAULT);
    expect(at.verdict).toMatchObject({ status: 'suspect', removedUsers: 10, removedUsersThreshold: 10 });
    expect(at.verdict.reasons).toEqual(['10 users removed (5 % of 200; threshold 10)']);
  });

  it('counts the lost memberships of removed users and of users who stay', () => {
    // 100 users in 2 groups: 200 memberships, threshold 10. 2 users removed (4 lost) + 6 who left one group.
    const before = users(100, () => ['g-a', 'g-b']);
    const after = users(100, (i) => (i < 6 ? ['g-a'] : ['g-a', 'g-b'])).slice(2);
    const below = diffSnapshots(side('a', before), side('b', after), DEFAULT);
    expect(below.verdict).toMatchObject({
      status: 'ok',
      removedUsers: 2,
      removedUsersThreshold: 5,
      lostMemberships: 8,
      lostMembershipsThreshold: 10,
    });
    const moreLeft = users(100, (i) => (i < 8 ? ['g-a'] : ['g-a', 'g-b'])).slice(2);
    const at = diffSnapshots(side('a', before), side('b', moreLeft), DEFAULT);
    expect(at.verdict).toMatchObject({ status: 'suspect', lostMemberships: 10 });
    expect(at.verdict.reasons).toEqual(['10 memberships lost (5 % of 200; threshold 10)']);
  });

  it('counts each previous membership once, however often a user lists the group', () => {
    // 100 distinct memberships (not 200): threshold max(5, 5) = 5.
    const before = users(100, () => ['g-a', 'g-a']);
    const result = diffSnapshots(side('a', before), side('b', before), { percent: 5, minimum: 0 });
    expect(result.verdict.lostMembershipsThreshold).toBe(5);
  });

  it('is ok on a first comparison against an empty previous snapshot', () => {
    const result = diffSnapshots(
      side('a', []),
      side(
        'b',
        users(50, () => ['g-a']),
      ),
      {
        percent: 5,
        minimum: 0,
      },
    );
    expect(result.verdict).toEqual({
      status: 'ok',
      removedUsers: 0,
      removedUsersThreshold: 0,
      lostMemberships: 0,
      lostMembershipsThreshold: 0,
      reasons: [],
    });
    expect(result.users.added).toHaveLength(50);
  });

  it('is suspect when everything is gone (an empty export)', () => {
    const result = diffSnapshots(
      side(
        'a',
        users(30, () => ['g-a']),
      ),
      side('b', []),
      DEFAULT,
    );
    expect(result.verdict.status).toBe('suspect');
    expect(result.verdict.reasons).toEqual([
      '30 users removed (100 % of 30; threshold 5)',
      '30 memberships lost (100 % of 30; threshold 5)',
    ]);
  });
});
