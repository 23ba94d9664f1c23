import { describe, expect, it } from 'vitest';
import type { AuditedUser } from '../../functions/audit/model.ts';
import type { DiffedGroup } from '../../functions/diff/model.ts';
import { type DiffSide, diffSnapshots } from '../support/diff-arrays.ts';

const USERS = 200_000;
/** 2 % churn: 1 % removed, 1 % added, 1 % changed (a field), 1 % moved between groups. */
const EVERY = 100;

function key(i: number): string {
  return `user-${String(i).padStart(7, '0')}`;
}

function user(i: number, fields: Partial<AuditedUser> = {}): AuditedUser {
  return {
    key: key(i),
    email: `${key(i)}@acme.test`,
    status: 'active',
    groups: [`g-${String(i % 50).padStart(2, '0')}`, 'g-all'],
    lastLoginAt: '2026-11-20T08:00:00Z',
    mfaEnabled: true,
    ...fields,
  };
}

function sides(): [DiffSide, DiffSide] {
  const groups: DiffedGroup[] = [
    ...Array.from({ length: 50 }, (_, g) => ({
      key: `g-${String(g).padStart(2, '0')}`,
      name: `G${g}`,
      memberCount: 0,
    })),
    { key: 'g-all', name: 'Everyone', memberCount: USERS },
  ];
  const from: AuditedUser[] = [];
  const to: AuditedUser[] = [];
  for (let i = 0; i < USERS + USERS / EVERY; i++) {
    const slot = i % EVERY;
    if (i < USERS) from.push(user(i));
    if (i >= USERS) to.push(user(i));
    else if (slot === 0)
      continue; // removed
    else if (slot === 1) to.push(user(i, { status: 'disabled' }));
    else if (slot === 2) to.push(user(i, { groups: ['g-all'] }));
    else if (slot === 3) to.push(user(i, { lastLoginAt: '2026-11-21T08:00:00Z' }));
    else to.push(user(i));
  }
  return [
    { runId: '20261121T020000Z', users: from, groups },
    { runId: '20261122T020000Z', users: to, groups },
  ];
}

describe('diffSnapshots at scale', () => {
  // Correctness at the benchmark's scale; its speed is measured by `npm run bench:audit`, never asserted.
  it('diffs 200,000 users per side with 2 % churn, every category counted', () => {
    const [from, to] = sides();
    const result = diffSnapshots(from, to, { percent: 5, minimum: 5 });

    const churn = USERS / EVERY;
    expect(result.users.removed).toHaveLength(churn);
    expect(result.users.added).toHaveLength(churn);
    expect(result.users.changed).toHaveLength(churn);
    expect(result.users.activity).toBe(churn);
    // Each removed user had 2 groups; each moved user left 1.
    expect(result.memberships.lost).toHaveLength(3 * churn);
    expect(result.memberships.gained).toHaveLength(2 * churn);
    expect(result.verdict).toMatchObject({
      status: 'ok',
      removedUsersThreshold: 10_000,
      lostMembershipsThreshold: 20_000,
    });
  });
});
