import { describe, expect, it } from 'vitest';
import type { AuditedUser, AuditRuleId } from '../../functions/audit/model.ts';
import type { AuditSettings } from '../../functions/config/schema.ts';
import {
  type AuditInput,
  type AuditResult,
  ago,
  auditUsers,
  everyCapability,
  healthyUser,
} from '../support/audit-fixtures.ts';

const user = healthyUser;

/** The user without `field` at all: "the provider has no value", not null. */
function without(base: AuditedUser, field: keyof AuditedUser): AuditedUser {
  const copy: Partial<AuditedUser> = { ...base };
  delete copy[field];
  return copy as AuditedUser;
}

function audit(
  users: readonly AuditedUser[],
  overrides: Omit<Partial<AuditInput>, 'settings'> & { settings?: Partial<AuditSettings> } = {},
): AuditResult {
  return auditUsers(users, {
    groupNames: new Map([
      ['g-admin', 'Administrators'],
      ['g-staff', 'Staff'],
    ]),
    ...overrides,
  });
}

const outcomeOf = (result: AuditResult, rule: AuditRuleId) =>
  result.rules.find((outcome) => outcome.rule === rule);
const findingsOf = (result: AuditResult, rule: AuditRuleId) =>
  result.findings.filter((finding) => finding.rule === rule);
/** Keys of the users a rule FAILed. */
const failedKeys = (result: AuditResult, rule: AuditRuleId) =>
  findingsOf(result, rule)
    .filter((finding) => finding.status === 'FAIL')
    .map((finding) => finding.userKey);

describe('mfa-missing', () => {
  it('fails a user with two-factor off at medium, and passes one with it on', () => {
    const result = audit([user('off', { mfaEnabled: false }), user('on')]);
    expect(findingsOf(result, 'mfa-missing')).toEqual([
      {
        rule: 'mfa-missing',
        severity: 'medium',
        status: 'FAIL',
        userKey: 'off',
        email: 'off@example.com',
        detail: 'two-factor authentication is off',
      },
    ]);
    expect(outcomeOf(result, 'mfa-missing')).toMatchObject({
      available: true,
      evaluated: 2,
      pass: 1,
      fail: 1,
    });
  });

  it('is high for members of a privileged group, matched by the group name from groupNames', () => {
    const result = audit([user('admin', { mfaEnabled: false, groups: ['g-staff', 'g-admin'] })]);
    expect(findingsOf(result, 'mfa-missing')).toMatchObject([
      {
        severity: 'high',
        status: 'FAIL',
        detail: 'two-factor authentication is off; member of Administrators',
      },
    ]);
  });

  it('matches privileged group names case-insensitively, by name or by key', () => {
    const users = [
      user('by-name', { mfaEnabled: false, groups: ['g-admin'] }),
      user('by-key', { mfaEnabled: false, groups: ['g-staff'] }),
      user('key-only', { mfaEnabled: false, groups: ['Owners'] }),
      user('plain', { mfaEnabled: false, groups: ['g-other'] }),
    ];
    const result = audit(users, { settings: { privilegedGroups: ['ADMINISTRATORS', 'G-Staff', 'owners'] } });
    expect(findingsOf(result, 'mfa-missing').map((finding) => [finding.userKey, finding.severity])).toEqual([
      ['by-key', 'high'],
      ['by-name', 'high'],
      ['key-only', 'high'],
      ['plain', 'medium'],
    ]);
    expect(findingsOf(result, 'mfa-missing')[0]?.detail).toBe(
      'two-factor authentication is off; member of Staff',
    );
  });

  it('reports null and a missing value as UNKNOWN, not PASS, keeping the privileged severity', () => {
    const result = audit([
      user('empty', { mfaEnabled: null }),
      without(user('missing', { groups: ['g-admin'] }), 'mfaEnabled'),
    ]);
    expect(findingsOf(result, 'mfa-missing')).toEqual([
      expect.objectContaining({
        userKey: 'empty',
        status: 'UNKNOWN',
        severity: 'medium',
        detail: 'two-factor status is empty for this user',
      }),
      expect.objectContaining({
        userKey: 'missing',
        status: 'UNKNOWN',
        severity: 'high',
        detail: "two-factor status is missing from this user's record; member of Administrators",
      }),
    ]);
    expect(outcomeOf(result, 'mfa-missing')).toMatchObject({ evaluated: 2, pass: 0, fail: 0, unknown: 2 });
  });

  it('judges users of every status, disabled and locked included', () => {
    const statuses = ['active', 'disabled', 'locked', 'invited', 'unknown'] as const;
    const result = audit(statuses.map((status) => user(status, { status, mfaEnabled: false })));
    expect(failedKeys(result, 'mfa-missing')).toEqual(['active', 'disabled', 'invited', 'locked', 'unknown']);
    expect(outcomeOf(result, 'mfa-missing')).toMatchObject({ fail: 5, outOfScope: 0 });
  });

  it('is UNAVAILABLE, never PASS, when the provider lacks mfaEnabled', () => {
    const result = audit([user('off', { mfaEnabled: false }), user('on')], {
      capabilities: { ...everyCapability, mfa: false },
      providerName: 'LumApps',
    });
    expect(outcomeOf(result, 'mfa-missing')).toEqual({
      rule: 'mfa-missing',
      available: false,
      unavailableReason: 'LumApps does not report mfaEnabled',
      evaluated: 0,
      pass: 0,
      fail: 0,
      unknown: 0,
      excepted: 0,
      outOfScope: 0,
    });
    expect(findingsOf(result, 'mfa-missing')).toEqual([]);
  });
});

describe('inactive', () => {
  it('fails only a last login strictly more than inactiveDays × 24 h before the snapshot', () => {
    const users = [
      user('d44', { lastLoginAt: ago(44) }),
      user('d45', { lastLoginAt: ago(45) }),
      user('d45-plus-1ms', { lastLoginAt: ago(45, 1) }),
      user('d46', { lastLoginAt: ago(46) }),
    ];
    const result = audit(users);
    expect(failedKeys(result, 'inactive')).toEqual(['d45-plus-1ms', 'd46']);
    expect(findingsOf(result, 'inactive').at(-1)).toEqual({
      rule: 'inactive',
      severity: 'medium',
      status: 'FAIL',
      userKey: 'd46',
      email: 'd46@example.com',
      detail: 'last login 2026-10-07 (46 days before the snapshot; limit 45)',
    });
    expect(outcomeOf(result, 'inactive')).toMatchObject({ evaluated: 4, pass: 2, fail: 2 });
  });

  it('uses the configured inactiveDays', () => {
    const result = audit([user('d10', { lastLoginAt: ago(10) }), user('d11', { lastLoginAt: ago(11) })], {
      settings: { inactiveDays: 10 },
    });
    expect(failedKeys(result, 'inactive')).toEqual(['d11']);
  });

  it('passes a login after the snapshot time (clock skew) rather than calling it inactive', () => {
    const result = audit([user('future', { lastLoginAt: ago(-2) })]);
    expect(outcomeOf(result, 'inactive')).toMatchObject({ pass: 1, fail: 0 });
  });

  it('leaves never-logged-in users (null) to their own rule: they pass here', () => {
    const result = audit([user('never', { lastLoginAt: null, createdAt: ago(400) })]);
    expect(findingsOf(result, 'inactive')).toEqual([]);
    expect(outcomeOf(result, 'inactive')).toMatchObject({ evaluated: 1, pass: 1, unknown: 0 });
    expect(failedKeys(result, 'never-logged-in')).toEqual(['never']);
  });

  it('reports a missing lastLoginAt as UNKNOWN when the provider has the field', () => {
    const result = audit([without(user('missing'), 'lastLoginAt')]);
    expect(findingsOf(result, 'inactive')).toMatchObject([
      {
        userKey: 'missing',
        status: 'UNKNOWN',
        severity: 'medium',
        detail: "last login is missing from this user's record",
      },
    ]);
  });

  it('counts disabled and locked users as out of scope; invited and unknown stay in scope', () => {
    const statuses = ['active', 'disabled', 'locked', 'invited', 'unknown'] as const;
    const result = audit(statuses.map((status) => user(status, { status, lastLoginAt: ago(200) })));
    expect(failedKeys(result, 'inactive')).toEqual(['active', 'invited', 'unknown']);
    expect(outcomeOf(result, 'inactive')).toMatchObject({ evaluated: 3, fail: 3, outOfScope: 2 });
  });

  it('is UNAVAILABLE with the field named when the provider lacks lastLoginAt, as is never-logged-in', () => {
    const result = audit([user('old', { lastLoginAt: ago(200) }), user('never', { lastLoginAt: null })], {
      capabilities: { ...everyCapability, lastLogin: false },
      providerName: 'LumApps',
    });
    for (const rule of ['inactive', 'never-logged-in'] as const) {
      expect(outcomeOf(result, rule)).toMatchObject({
        available: false,
        unavailableReason: 'LumApps does not report lastLoginAt',
        evaluated: 0,
        pass: 0,
        fail: 0,
        outOfScope: 0,
      });
      expect(findingsOf(result, rule)).toEqual([]);
    }
  });
});

describe('never-logged-in', () => {
  it('fails only users created more than the grace period ago', () => {
    const users = [13, 14, 15].map((days) => user(`d${days}`, { lastLoginAt: null, createdAt: ago(days) }));
    users.push(user('d14-plus-1ms', { lastLoginAt: null, createdAt: ago(14, 1) }));
    const result = audit(users);
    expect(failedKeys(result, 'never-logged-in')).toEqual(['d14-plus-1ms', 'd15']);
    expect(findingsOf(result, 'never-logged-in').at(-1)).toEqual({
      rule: 'never-logged-in',
      severity: 'low',
      status: 'FAIL',
      userKey: 'd15',
      email: 'd15@example.com',
      detail: 'never logged in; created 2026-11-07, 15 days ago; grace 14 days',
    });
    expect(outcomeOf(result, 'never-logged-in')).toMatchObject({ evaluated: 4, pass: 2, fail: 2 });
  });

  it('falls back to the stored snapshot the user was found in when there is no created date', () => {
    const firstSeenAt = new Map([
      ['null-created', ago(52)],
      ['no-created', ago(52)],
      ['recent', ago(3)],
    ]);
    const result = audit(
      [
        user('null-created', { lastLoginAt: null, createdAt: null }),
        without(user('no-created', { lastLoginAt: null }), 'createdAt'),
        user('recent', { lastLoginAt: null, createdAt: null }),
      ],
      { firstSeenAt },
    );
    expect(findingsOf(result, 'never-logged-in').map((finding) => [finding.userKey, finding.detail])).toEqual(
      [
        ['no-created', 'never logged in; already in the snapshot of 2026-10-01, 52 days ago; grace 14 days'],
        [
          'null-created',
          'never logged in; already in the snapshot of 2026-10-01, 52 days ago; grace 14 days',
        ],
      ],
    );
  });

  it('prefers the created date over the first snapshot', () => {
    const result = audit([user('new', { lastLoginAt: null, createdAt: ago(3) })], {
      firstSeenAt: new Map([['new', ago(52)]]),
    });
    expect(findingsOf(result, 'never-logged-in')).toEqual([]);
  });

  it('treats a user first seen in this snapshot as within grace, even with a grace of 0 days', () => {
    const result = audit([user('fresh', { lastLoginAt: null, createdAt: null })], {
      settings: { neverLoggedInGraceDays: 0 },
    });
    expect(outcomeOf(result, 'never-logged-in')).toMatchObject({ evaluated: 1, pass: 1, fail: 0 });
  });

  it('passes users who logged in, and reports a missing lastLoginAt as UNKNOWN', () => {
    const result = audit([
      user('logged-in', { lastLoginAt: ago(300) }),
      without(user('missing'), 'lastLoginAt'),
    ]);
    expect(findingsOf(result, 'never-logged-in')).toMatchObject([
      { userKey: 'missing', status: 'UNKNOWN', severity: 'low' },
    ]);
    expect(outcomeOf(result, 'never-logged-in')).toMatchObject({ evaluated: 2, pass: 1, unknown: 1 });
  });

  it('counts disabled and locked users as out of scope', () => {
    const statuses = ['active', 'disabled', 'locked', 'invited', 'unknown'] as const;
    const result = audit(
      statuses.map((status) => user(status, { status, lastLoginAt: null, createdAt: ago(60) })),
    );
    expect(failedKeys(result, 'never-logged-in')).toEqual(['active', 'invited', 'unknown']);
    expect(outcomeOf(result, 'never-logged-in')).toMatchObject({ evaluated: 3, fail: 3, outOfScope: 2 });
  });
});

describe('password-stale', () => {
  it('fails only a password changed more than passwordMaxAgeDays × 24 h before the snapshot', () => {
    const users = [89, 90, 91].map((days) => user(`d${days}`, { passwordUpdatedAt: ago(days) }));
    users.push(user('d90-plus-1ms', { passwordUpdatedAt: ago(90, 1) }));
    const result = audit(users);
    expect(failedKeys(result, 'password-stale')).toEqual(['d90-plus-1ms', 'd91']);
    expect(findingsOf(result, 'password-stale').at(-1)).toMatchObject({
      severity: 'medium',
      detail: 'password last changed 2026-08-23 (91 days before the snapshot; limit 90)',
    });
  });

  it('reports null (single sign-on) and a missing date as UNKNOWN', () => {
    const result = audit([
      user('sso', { passwordUpdatedAt: null }),
      without(user('missing'), 'passwordUpdatedAt'),
    ]);
    expect(findingsOf(result, 'password-stale')).toMatchObject([
      {
        userKey: 'missing',
        status: 'UNKNOWN',
        detail: "password change date is missing from this user's record",
      },
      {
        userKey: 'sso',
        status: 'UNKNOWN',
        detail: 'no password change date (for example a single sign-on account)',
      },
    ]);
    expect(outcomeOf(result, 'password-stale')).toMatchObject({ evaluated: 2, pass: 0, unknown: 2 });
  });

  it('counts disabled and locked users as out of scope', () => {
    const statuses = ['active', 'disabled', 'locked', 'invited', 'unknown'] as const;
    const result = audit(statuses.map((status) => user(status, { status, passwordUpdatedAt: null })));
    expect(findingsOf(result, 'password-stale').map((finding) => finding.userKey)).toEqual([
      'active',
      'invited',
      'unknown',
    ]);
    expect(outcomeOf(result, 'password-stale')).toMatchObject({ evaluated: 3, unknown: 3, outOfScope: 2 });
  });

  it('is UNAVAILABLE with the field named when the provider lacks passwordUpdatedAt', () => {
    const result = audit([user('old', { passwordUpdatedAt: ago(400) })], {
      capabilities: { ...everyCapability, passwordUpdated: false },
    });
    expect(outcomeOf(result, 'password-stale')).toMatchObject({
      available: false,
      unavailableReason: 'Periscope Data (v1) does not report passwordUpdatedAt',
      evaluated: 0,
      pass: 0,
    });
    expect(findingsOf(result, 'password-stale')).toEqual([]);
  });
});

describe('privileged-grant', () => {
  it('is UNAVAILABLE when there is no earlier complete snapshot', () => {
    const result = audit([user('admin', { groups: ['g-admin'] })]);
    expect(outcomeOf(result, 'privileged-grant')).toMatchObject({
      available: false,
      unavailableReason: 'there is no earlier complete snapshot to compare with',
      evaluated: 0,
      fail: 0,
    });
    expect(findingsOf(result, 'privileged-grant')).toEqual([]);
  });

  it('fails an existing user who joined a privileged group, and names the group', () => {
    const previousGroupsOfUser = new Map<string, readonly string[]>([
      ['joined', ['g-staff']],
      ['already', ['g-admin']],
      ['left', ['g-admin']],
      ['staff', []],
    ]);
    const result = audit(
      [
        user('joined', { groups: ['g-staff', 'g-admin'] }),
        user('already', { groups: ['g-admin'] }),
        user('left', { groups: [] }),
        user('staff', { groups: ['g-staff'] }),
      ],
      { previousGroupsOfUser },
    );
    expect(findingsOf(result, 'privileged-grant')).toEqual([
      {
        rule: 'privileged-grant',
        severity: 'high',
        status: 'FAIL',
        userKey: 'joined',
        email: 'joined@example.com',
        detail: 'joined Administrators since the previous snapshot',
      },
    ]);
    expect(outcomeOf(result, 'privileged-grant')).toMatchObject({
      available: true,
      evaluated: 4,
      pass: 3,
      fail: 1,
    });
  });

  it('fails a new user who arrives in a privileged group, and passes a new user who does not', () => {
    const result = audit(
      [user('new-admin', { groups: ['g-admin'] }), user('new-staff', { groups: ['g-staff'] })],
      {
        previousGroupsOfUser: new Map(),
      },
    );
    expect(findingsOf(result, 'privileged-grant')).toMatchObject([
      { userKey: 'new-admin', detail: 'new user since the previous snapshot, member of Administrators' },
    ]);
  });

  it('names only the privileged groups joined, matched case-insensitively by name', () => {
    const result = audit([user('u', { groups: ['g-admin', 'g-staff', 'g-other'] })], {
      previousGroupsOfUser: new Map([['u', ['g-admin']]]),
      settings: { privilegedGroups: ['administrators', 'STAFF'] },
    });
    expect(findingsOf(result, 'privileged-grant')).toMatchObject([
      { detail: 'joined Staff since the previous snapshot' },
    ]);
  });

  it('judges disabled and locked users too: a grant to any account needs explaining', () => {
    const result = audit([user('locked', { status: 'locked', groups: ['g-admin'] })], {
      previousGroupsOfUser: new Map([['locked', []]]),
    });
    expect(failedKeys(result, 'privileged-grant')).toEqual(['locked']);
    expect(outcomeOf(result, 'privileged-grant')).toMatchObject({ outOfScope: 0 });
  });
});
