import { describe, expect, it } from 'vitest';
import { buildRestorePlan, type PlanInput } from '../../functions/restore/plan.ts';
import type { RestoreCapabilities } from '../../functions/restore/port.ts';
import type { CanonicalGroup, CanonicalUser } from '../../functions/shared/model.ts';

const all: RestoreCapabilities = {
  createsGroups: true,
  createsUsers: true,
  enablesUsers: false,
  addsMemberships: true,
  serverDryRun: false,
  cannotRestore: ['provider-specific loss'],
};

const user = (key: string, groups: string[], extra: Partial<CanonicalUser> = {}): CanonicalUser => ({
  key,
  email: `${key}@acme.example`,
  firstName: key,
  lastName: 'Example',
  status: 'active',
  groups,
  raw: {},
  ...extra,
});
const group = (key: string, name = key.toUpperCase()): CanonicalGroup => ({
  key,
  name,
  memberCount: 0,
  raw: {},
});

const snapshot = {
  users: [user('ann', ['g1', 'g2']), user('bob', ['g2']), user('cid', ['g1'])],
  groups: [group('g1', 'Sales'), group('g2', 'Admins')],
};

function plan(live: PlanInput['live'], selection: Partial<PlanInput['selection']>, capabilities = all) {
  return buildRestorePlan({
    snapshot,
    live,
    selection: { users: [], groups: [], memberships: false, ...selection },
    capabilities,
  });
}

const everything = {
  users: new Set(['ann', 'bob', 'cid']),
  groups: new Set(['g1', 'g2']),
  deleted: { users: new Set<string>(), groups: new Set<string>() },
};

describe('restore plan', () => {
  it('creates groups first, then users with their groups, then lost memberships of the group', () => {
    const result = plan(
      { users: [user('bob', []), user('cid', [])], groups: [group('g2', 'Admins')] },
      { deletedSince: everything },
    );
    expect(result.steps.map((step) => step.summary)).toEqual([
      'create group Sales',
      'create user ann@acme.example (ann Example) in Sales, Admins',
      'add cid@acme.example to Sales',
    ]);
    expect(result.counts).toEqual({
      groupsToCreate: 1,
      usersToCreate: 1,
      usersToEnable: 0,
      membershipsToAdd: 1,
    });
    expect(result.cannotRestore).toContain('provider-specific loss');
    expect(result.cannotRestore.some((item) => item.startsWith('passwords'))).toBe(true);
  });

  it('finds re-created users and groups by e-mail and name, so a second restore plans nothing', () => {
    const live = {
      users: [
        user('new-ann', ['new-g1', 'g2'], { email: 'ANN@acme.example' }),
        user('bob', ['g2']),
        user('cid', ['new-g1']),
      ],
      groups: [group('new-g1', 'sales'), group('g2', 'Admins')],
    };
    const result = plan(live, { deletedSince: everything, memberships: true });
    expect(result.steps).toEqual([]);
  });

  it('re-creates a group a selected user needs, and names who needs it', () => {
    const result = plan(
      { users: [user('bob', ['g2'])], groups: [group('g2', 'Admins')] },
      { users: ['ANN@acme.example'] },
    );
    expect(result.steps.map((step) => step.summary)).toEqual([
      'create group Sales — needed by ann@acme.example',
      'create user ann@acme.example (ann Example) in Sales, Admins',
    ]);
  });

  it('adds back only lost memberships, keeping the user, with --memberships', () => {
    const live = {
      users: [user('ann', ['g2']), user('bob', ['g2']), user('cid', ['g1'])],
      groups: snapshot.groups,
    };
    const result = plan(live, { memberships: true });
    expect(result.steps.map((step) => step.step)).toEqual([
      {
        kind: 'add-memberships',
        user: snapshot.users[0],
        liveKey: 'ann',
        liveGroups: ['g2'],
        groups: ['g1'],
      },
    ]);
  });

  it('enables a disabled user where the provider can, and says why it skips what it cannot do', () => {
    const live = {
      users: [user('ann', ['g1', 'g2'], { status: 'disabled' }), user('bob', ['g2'])],
      groups: snapshot.groups,
    };
    const enabling = plan(live, { deletedSince: everything }, { ...all, enablesUsers: true });
    expect(enabling.steps.map((step) => step.summary)).toEqual([
      'enable user ann@acme.example (ann Example)',
      'create user cid@acme.example (cid Example) in Sales',
    ]);
    const limited = plan(live, { users: ['ann', 'cid'] }, { ...all, createsUsers: false });
    expect(limited.steps).toEqual([]);
    expect(limited.skipped).toEqual([
      { subject: 'user ann@acme.example', reason: 'disabled on the site; this provider cannot enable it' },
      { subject: 'user cid@acme.example', reason: 'this provider cannot create users' },
    ]);
  });

  it('lists selectors that name nothing in the snapshot', () => {
    const result = plan({ users: [], groups: [] }, { users: ['zed@acme.example'], groups: ['Nobody'] });
    expect(result.unmatched).toEqual(['user zed@acme.example', 'group Nobody']);
  });
});
