import { describe, expect, it } from 'vitest';
import type { AuditedUser } from '../../functions/audit/model.ts';
import type { DiffedGroup, FieldValue, SnapshotDiff } from '../../functions/diff/model.ts';
import { compareKeys } from '../../functions/shared/model.ts';
import { type DiffSide, diffSnapshots } from '../support/diff-arrays.ts';

const FROM = '20261121T020000Z';
const TO = '20261122T020000Z';
/** High enough that no test here trips the verdict by accident (it has its own file). */
const LENIENT = { percent: 100, minimum: 1_000_000 };

function user(key: string, fields: Partial<AuditedUser> = {}): AuditedUser {
  return {
    key,
    id: `id-${key}`,
    email: `${key}@acme.test`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    status: 'active',
    groups: [],
    lastLoginAt: '2026-11-20T08:00:00Z',
    passwordUpdatedAt: '2026-10-01T00:00:00Z',
    mfaEnabled: true,
    createdAt: '2025-01-01T00:00:00Z',
    ...fields,
  };
}

function group(key: string, fields: Partial<DiffedGroup> = {}): DiffedGroup {
  return { key, name: `Group ${key}`, memberCount: 0, ...fields };
}

/** Sorts by key, as snapshots are stored, so tests can list records in any order. */
function side(runId: string, users: AuditedUser[], groups: DiffedGroup[] = []): DiffSide {
  const byKey = (a: { key: string }, b: { key: string }) => compareKeys(a.key, b.key);
  return { runId, users: [...users].sort(byKey), groups: [...groups].sort(byKey) };
}

function diff(
  fromUsers: AuditedUser[],
  toUsers: AuditedUser[],
  fromGroups: DiffedGroup[] = [],
  toGroups: DiffedGroup[] = fromGroups,
): SnapshotDiff {
  return diffSnapshots(side(FROM, fromUsers, fromGroups), side(TO, toUsers, toGroups), LENIENT);
}

const GROUPS = [group('g-admins', { name: 'Administrators' }), group('g-sales', { name: 'Sales' })];

describe('diffSnapshots: identical snapshots', () => {
  it('gives an empty diff and an ok verdict, with the run ids copied from the sides', () => {
    const users = [user('alice', { groups: ['g-admins', 'g-sales'] }), user('bob', { groups: ['g-sales'] })];
    // Equal copies, not the same objects: the diff compares values.
    const result = diffSnapshots(
      side(FROM, users, GROUPS),
      side(TO, structuredClone(users), structuredClone(GROUPS)),
      { percent: 5, minimum: 0 },
    );
    expect(result).toEqual({
      fromRunId: FROM,
      toRunId: TO,
      users: { added: [], removed: [], changed: [], activity: 0 },
      groups: { added: [], removed: [], changed: [] },
      memberships: { gained: [], lost: [], byUser: [], byGroup: [] },
      verdict: {
        status: 'ok',
        removedUsers: 0,
        removedUsersThreshold: 1,
        lostMemberships: 0,
        lostMembershipsThreshold: 1,
        reasons: [],
      },
    });
  });

  it('gives an empty diff for two empty snapshots', () => {
    const result = diffSnapshots(side(FROM, []), side(TO, []), { percent: 5, minimum: 0 });
    expect(result.users).toEqual({ added: [], removed: [], changed: [], activity: 0 });
    expect(result.memberships.lost).toEqual([]);
    expect(result.verdict.status).toBe('ok');
  });
});

describe('diffSnapshots: users', () => {
  it('lists an added user with the groups they have', () => {
    const result = diff([user('alice')], [user('alice'), user('bob', { groups: ['g-sales'] })], GROUPS);
    expect(result.users.added).toEqual([{ key: 'bob', email: 'bob@acme.test', groups: ['g-sales'] }]);
    expect(result.users.removed).toEqual([]);
    expect(result.users.changed).toEqual([]);
  });

  it('lists a removed user with the groups they had', () => {
    const result = diff(
      [user('alice'), user('bob', { groups: ['g-admins', 'g-sales'] })],
      [user('alice')],
      GROUPS,
    );
    expect(result.users.removed).toEqual([
      { key: 'bob', email: 'bob@acme.test', groups: ['g-admins', 'g-sales'] },
    ]);
    expect(result.users.added).toEqual([]);
  });

  it('leaves the email out of a reference when the provider has none', () => {
    const result = diff([user('u-1', { email: undefined })], []);
    expect(result.users.removed).toStrictEqual([{ key: 'u-1', groups: [] }]);
  });

  const fieldCases: [field: string, before: FieldValue, after: FieldValue][] = [
    ['id', 'id-1', 'id-2'],
    ['id', undefined, 'id-1'],
    ['email', 'old@acme.test', 'new@acme.test'],
    ['firstName', 'Ada', 'Augusta'],
    ['firstName', 'Ada', undefined],
    ['lastName', 'Lovelace', 'King'],
    ['status', 'active', 'disabled'],
    ['status', 'invited', 'active'],
    ['passwordUpdatedAt', '2026-10-01T00:00:00Z', '2026-11-21T12:00:00Z'],
    ['passwordUpdatedAt', null, undefined],
    ['passwordUpdatedAt', undefined, null],
    ['mfaEnabled', true, false],
    ['mfaEnabled', false, null],
    ['mfaEnabled', null, undefined],
    ['createdAt', '2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z'],
    ['createdAt', undefined, null],
  ];

  it.each(fieldCases)('lists a change of %s from %j to %j', (field, before, after) => {
    const result = diff([user('alice', { [field]: before })], [user('alice', { [field]: after })]);
    expect(result.users.changed).toHaveLength(1);
    expect(result.users.changed[0]?.changes).toEqual([{ field, before, after }]);
    expect(result.users.added).toEqual([]);
    expect(result.users.removed).toEqual([]);
  });

  it('tells absent (undefined) from empty (null) in what it reports', () => {
    const result = diff([user('alice', { mfaEnabled: undefined })], [user('alice', { mfaEnabled: null })]);
    const [change] = result.users.changed[0]?.changes ?? [];
    expect(change).toStrictEqual({ field: 'mfaEnabled', before: undefined, after: null });
    expect(Object.hasOwn(change ?? {}, 'before')).toBe(true);
  });

  it('lists several changes of one user in the fixed field order', () => {
    const before = user('alice');
    const after = user('alice', {
      createdAt: '2024-01-01T00:00:00Z',
      status: 'locked',
      email: 'ada@acme.test',
      id: 'id-new',
      mfaEnabled: false,
      lastName: 'King',
      passwordUpdatedAt: null,
      firstName: 'Augusta',
    });
    const [change] = diff([before], [after]).users.changed;
    expect(change?.changes.map((c) => c.field)).toEqual([
      'id',
      'email',
      'firstName',
      'lastName',
      'status',
      'passwordUpdatedAt',
      'mfaEnabled',
      'createdAt',
    ]);
  });

  it('names a changed user by the new email, or the old one when the new side has none', () => {
    const renamed = diff([user('alice', { email: 'a@old.test' })], [user('alice', { email: 'a@new.test' })]);
    expect(renamed.users.changed[0]).toMatchObject({ key: 'alice', email: 'a@new.test' });
    const dropped = diff([user('alice', { email: 'a@old.test' })], [user('alice', { email: undefined })]);
    expect(dropped.users.changed[0]).toMatchObject({ key: 'alice', email: 'a@old.test' });
  });

  it('counts a last-login-only change as activity and does not list it', () => {
    const result = diff(
      [user('alice'), user('bob', { lastLoginAt: null }), user('carol')],
      [
        user('alice', { lastLoginAt: '2026-11-21T09:30:00Z' }),
        user('bob', { lastLoginAt: '2026-11-21T10:00:00Z' }),
        user('carol'),
      ],
    );
    expect(result.users.activity).toBe(2);
    expect(result.users.changed).toEqual([]);
  });

  it('counts activity and lists the other fields when a user logged in and changed', () => {
    const result = diff(
      [user('alice')],
      [user('alice', { lastLoginAt: '2026-11-21T09:30:00Z', status: 'disabled' })],
    );
    expect(result.users.activity).toBe(1);
    expect(result.users.changed).toEqual([
      {
        key: 'alice',
        email: 'alice@acme.test',
        changes: [{ field: 'status', before: 'active', after: 'disabled' }],
      },
    ]);
  });

  it('does not count added or removed users as activity', () => {
    const result = diff([user('alice')], [user('bob', { lastLoginAt: '2026-11-21T09:30:00Z' })]);
    expect(result.users.activity).toBe(0);
  });

  it('reports a change of groups as memberships, not as a field change', () => {
    const result = diff(
      [user('alice', { groups: ['g-sales'] })],
      [user('alice', { groups: ['g-admins'] })],
      GROUPS,
    );
    expect(result.users.changed).toEqual([]);
    expect(result.memberships.gained).toHaveLength(1);
    expect(result.memberships.lost).toHaveLength(1);
  });

  it('lists users in key order (code units, not locale)', () => {
    const result = diff([], [user('b'), user('B'), user('a'), user('é')]);
    expect(result.users.added.map((u) => u.key)).toEqual(['B', 'a', 'b', 'é']);
  });
});

describe('diffSnapshots: groups', () => {
  it('lists added and removed groups with their member counts', () => {
    const result = diff(
      [],
      [],
      [group('g-old', { name: 'Old', memberCount: 3 }), group('g-same')],
      [group('g-same'), group('g-new', { name: 'New', memberCount: 7 })],
    );
    expect(result.groups.added).toEqual([{ key: 'g-new', name: 'New', memberCount: 7 }]);
    expect(result.groups.removed).toEqual([{ key: 'g-old', name: 'Old', memberCount: 3 }]);
    expect(result.groups.changed).toEqual([]);
  });

  it('lists a renamed group under its new name, with the old name in the change', () => {
    const result = diff([], [], [group('g-1', { name: 'Sales' })], [group('g-1', { name: 'Sales EMEA' })]);
    expect(result.groups.changed).toEqual([
      { key: 'g-1', name: 'Sales EMEA', changes: [{ field: 'name', before: 'Sales', after: 'Sales EMEA' }] },
    ]);
  });

  it('lists access and description changes, including a field that appears, in order', () => {
    const result = diff(
      [],
      [],
      [group('g-1', { access: 'view', description: 'Sales team' })],
      [group('g-1', { access: 'edit', description: undefined }), group('g-2')],
    );
    expect(result.groups.changed).toEqual([
      {
        key: 'g-1',
        name: 'Group g-1',
        changes: [
          { field: 'access', before: 'view', after: 'edit' },
          { field: 'description', before: 'Sales team', after: undefined },
        ],
      },
    ]);
  });

  it('does not list a change of member count alone (memberships say it)', () => {
    const result = diff([], [], [group('g-1', { memberCount: 3 })], [group('g-1', { memberCount: 4 })]);
    expect(result.groups.changed).toEqual([]);
  });
});

describe('diffSnapshots: memberships', () => {
  it('lists memberships gained and lost by users on both sides, with emails and group names', () => {
    const result = diff(
      [user('alice', { groups: ['g-sales'] })],
      [user('alice', { email: 'ada@acme.test', groups: ['g-admins'] })],
      GROUPS,
    );
    expect(result.memberships.gained).toEqual([
      { userKey: 'alice', email: 'ada@acme.test', groupKey: 'g-admins', groupName: 'Administrators' },
    ]);
    expect(result.memberships.lost).toEqual([
      { userKey: 'alice', email: 'alice@acme.test', groupKey: 'g-sales', groupName: 'Sales' },
    ]);
  });

  it('includes every membership of an added user as gained and of a removed user as lost', () => {
    const result = diff(
      [user('bob', { groups: ['g-admins', 'g-sales'] })],
      [user('carol', { groups: ['g-sales'] })],
      GROUPS,
    );
    expect(result.memberships.gained).toEqual([
      { userKey: 'carol', email: 'carol@acme.test', groupKey: 'g-sales', groupName: 'Sales' },
    ]);
    expect(result.memberships.lost).toEqual([
      { userKey: 'bob', email: 'bob@acme.test', groupKey: 'g-admins', groupName: 'Administrators' },
      { userKey: 'bob', email: 'bob@acme.test', groupKey: 'g-sales', groupName: 'Sales' },
    ]);
  });

  it('names the groups of a removed group’s lost memberships from the old side', () => {
    const result = diff(
      [user('alice', { groups: ['g-legacy', 'g-sales'] }), user('bob', { groups: ['g-legacy'] })],
      [user('alice', { groups: ['g-sales'] }), user('bob')],
      [...GROUPS, group('g-legacy', { name: 'Legacy BI' })],
      GROUPS,
    );
    expect(result.groups.removed).toEqual([{ key: 'g-legacy', name: 'Legacy BI', memberCount: 0 }]);
    expect(result.memberships.lost).toEqual([
      { userKey: 'alice', email: 'alice@acme.test', groupKey: 'g-legacy', groupName: 'Legacy BI' },
      { userKey: 'bob', email: 'bob@acme.test', groupKey: 'g-legacy', groupName: 'Legacy BI' },
    ]);
    expect(result.memberships.byGroup).toEqual([{ key: 'g-legacy', label: 'Legacy BI', gained: 0, lost: 2 }]);
  });

  it('names a gained membership of an added group from the new side', () => {
    const result = diff([user('alice')], [user('alice', { groups: ['g-new'] })], GROUPS, [
      ...GROUPS,
      group('g-new', { name: 'Finance' }),
    ]);
    expect(result.memberships.gained).toEqual([
      { userKey: 'alice', email: 'alice@acme.test', groupKey: 'g-new', groupName: 'Finance' },
    ]);
  });

  it('falls back to the group key when neither side lists the group', () => {
    const result = diff([user('alice')], [user('alice', { groups: ['g-ghost'] })], GROUPS);
    expect(result.memberships.gained).toEqual([
      { userKey: 'alice', email: 'alice@acme.test', groupKey: 'g-ghost', groupName: 'g-ghost' },
    ]);
    expect(result.memberships.byGroup).toEqual([{ key: 'g-ghost', label: 'g-ghost', gained: 1, lost: 0 }]);
  });

  it('leaves the email out of a membership whose user has none', () => {
    const result = diff([], [user('u-1', { email: undefined, groups: ['g-sales'] })], GROUPS);
    expect(result.memberships.gained).toStrictEqual([
      { userKey: 'u-1', groupKey: 'g-sales', groupName: 'Sales' },
    ]);
  });

  it('sorts memberships by user key then group key', () => {
    const result = diff(
      [user('bob', { groups: ['g-b', 'g-a'] }), user('alice', { groups: ['g-z'] })],
      [user('carol', { groups: ['g-b', 'g-a'] }), user('alice', { groups: ['g-y', 'g-c'] })],
    );
    expect(result.memberships.gained.map((m) => [m.userKey, m.groupKey])).toEqual([
      ['alice', 'g-c'],
      ['alice', 'g-y'],
      ['carol', 'g-a'],
      ['carol', 'g-b'],
    ]);
    expect(result.memberships.lost.map((m) => [m.userKey, m.groupKey])).toEqual([
      ['alice', 'g-z'],
      ['bob', 'g-a'],
      ['bob', 'g-b'],
    ]);
  });

  it('ignores the order and repeats of a user’s group keys', () => {
    const result = diff(
      [user('alice', { groups: ['g-sales', 'g-admins', 'g-sales'] })],
      [user('alice', { groups: ['g-admins', 'g-sales'] }), user('bob', { groups: ['g-sales', 'g-sales'] })],
      GROUPS,
    );
    expect(result.memberships.lost).toEqual([]);
    expect(result.memberships.gained.map((m) => [m.userKey, m.groupKey])).toEqual([['bob', 'g-sales']]);
    expect(result.users.added).toEqual([{ key: 'bob', email: 'bob@acme.test', groups: ['g-sales'] }]);
  });

  it('tallies per user and per group, only non-zero, biggest change first then key', () => {
    const groups = [
      group('g-a', { name: 'Alpha' }),
      group('g-b', { name: 'Beta' }),
      group('g-c', { name: 'Gamma' }),
    ];
    const result = diff(
      [
        user('ann', { groups: ['g-a'] }),
        user('ben', { groups: ['g-a', 'g-b', 'g-c'] }),
        user('cid', { email: undefined, groups: [] }),
        user('dan', { groups: ['g-c'] }),
      ],
      [
        user('ann', { groups: ['g-b'] }),
        user('ben', { groups: ['g-a', 'g-b', 'g-c'] }),
        user('cid', { email: undefined, groups: ['g-a', 'g-c'] }),
        user('eve', { groups: ['g-c'] }),
      ],
      groups,
    );
    expect(result.memberships.byUser).toEqual([
      { key: 'ann', label: 'ann@acme.test', gained: 1, lost: 1 },
      { key: 'cid', label: 'cid', gained: 2, lost: 0 },
      { key: 'dan', label: 'dan@acme.test', gained: 0, lost: 1 },
      { key: 'eve', label: 'eve@acme.test', gained: 1, lost: 0 },
    ]);
    expect(result.memberships.byGroup).toEqual([
      { key: 'g-c', label: 'Gamma', gained: 2, lost: 1 },
      { key: 'g-a', label: 'Alpha', gained: 1, lost: 1 },
      { key: 'g-b', label: 'Beta', gained: 1, lost: 0 },
    ]);
  });

  it('labels a removed user’s tally with their email from the old side', () => {
    const result = diff([user('bob', { groups: ['g-sales'] })], [], GROUPS);
    expect(result.memberships.byUser).toEqual([{ key: 'bob', label: 'bob@acme.test', gained: 0, lost: 1 }]);
  });
});

describe('diffSnapshots: input it refuses', () => {
  it('refuses users that are not sorted by key, naming the run', () => {
    const unsorted: DiffSide = { runId: TO, users: [user('bob'), user('alice')], groups: [] };
    expect(() => diffSnapshots(side(FROM, []), unsorted, LENIENT)).toThrow(
      /users of run 20261122T020000Z.*"alice" comes after "bob"/,
    );
  });

  it('refuses duplicate keys', () => {
    const duplicated: DiffSide = { runId: FROM, users: [], groups: [group('g-1'), group('g-1')] };
    expect(() => diffSnapshots(duplicated, side(TO, []), LENIENT)).toThrow(
      /groups of run 20261121T020000Z.*"g-1" appears twice/,
    );
  });
});
