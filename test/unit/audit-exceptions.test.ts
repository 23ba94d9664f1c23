import { describe, expect, it } from 'vitest';
import type { AuditedUser } from '../../functions/audit/model.ts';
import type { AuditSettings } from '../../functions/config/schema.ts';
import {
  type AuditInput,
  type AuditResult,
  ago,
  auditUsers,
  DAY,
  everyCapability,
  healthyUser,
  scheduledAt,
} from '../support/audit-fixtures.ts';

/** Passes every rule except mfa-missing, so each test looks at one FAIL. */
const mfaOff = (key: string, overrides: Partial<AuditedUser> = {}) =>
  healthyUser(key, { mfaEnabled: false, ...overrides });

type Exception = AuditSettings['exceptions'][number];
const exception = (overrides: Partial<Exception> = {}): Exception => ({
  user: 'ana@example.com',
  rule: 'mfa-missing',
  reason: 'hardware key on order',
  owner: 'it-security@example.com',
  expires: '2026-12-31',
  ...overrides,
});

function audit(
  users: readonly AuditedUser[],
  exceptions: readonly Exception[],
  overrides: Partial<AuditInput> = {},
): AuditResult {
  return auditUsers(users, { settings: { exceptions: [...exceptions] }, ...overrides });
}

const mfaFindings = (result: AuditResult) =>
  result.findings.filter((finding) => finding.rule === 'mfa-missing');
const mfaOutcome = (result: AuditResult) => result.rules.find((outcome) => outcome.rule === 'mfa-missing');

describe('audit exceptions', () => {
  it('turns a FAIL into EXCEPTED, keeps the finding with the exception, and counts it apart from fail', () => {
    const result = audit([mfaOff('ana'), mfaOff('bob')], [exception()]);
    expect(mfaFindings(result)).toEqual([
      {
        rule: 'mfa-missing',
        severity: 'medium',
        status: 'EXCEPTED',
        userKey: 'ana',
        email: 'ana@example.com',
        detail: 'two-factor authentication is off',
        exception: {
          reason: 'hardware key on order',
          owner: 'it-security@example.com',
          expires: '2026-12-31',
          expired: false,
        },
      },
      expect.objectContaining({ userKey: 'bob', status: 'FAIL' }),
    ]);
    expect(mfaOutcome(result)).toMatchObject({ evaluated: 2, pass: 0, fail: 1, excepted: 1 });
  });

  it('matches the email case-insensitively', () => {
    const result = audit(
      [mfaOff('u-1', { email: 'Ana@Example.COM' })],
      [exception({ user: 'ANA@example.com' })],
    );
    expect(mfaFindings(result)).toMatchObject([{ userKey: 'u-1', status: 'EXCEPTED' }]);
  });

  it('matches the key, exactly or ignoring case, for users with or without an email', () => {
    const noEmail: Partial<AuditedUser> = {};
    const users = [mfaOff('u-1'), { ...mfaOff('U-2'), ...noEmail }];
    const { email: _dropped, ...withoutEmail } = mfaOff('u-3');
    const result = audit(
      [...users, withoutEmail],
      [exception({ user: 'u-1' }), exception({ user: 'u-2' }), exception({ user: 'u-3' })],
    );
    expect(mfaFindings(result).map((finding) => [finding.userKey, finding.status])).toEqual([
      ['U-2', 'EXCEPTED'],
      ['u-1', 'EXCEPTED'],
      ['u-3', 'EXCEPTED'],
    ]);
    expect(mfaFindings(result)[2]).not.toHaveProperty('email');
  });

  it('applies only to its own rule', () => {
    const result = audit([mfaOff('ana', { lastLoginAt: ago(100) })], [exception({ rule: 'inactive' })]);
    expect(result.findings.map((finding) => [finding.rule, finding.status])).toEqual([
      ['mfa-missing', 'FAIL'],
      ['inactive', 'EXCEPTED'],
    ]);
  });

  it('holds through the end of its expiry day (UTC) and no longer after it', () => {
    const statusOn = (time: string, expires: string) =>
      mfaFindings(audit([mfaOff('ana')], [exception({ expires })], { scheduledAt: new Date(time) }))[0];
    expect(statusOn('2026-11-22T02:00:00.000Z', '2026-11-23')).toMatchObject({ status: 'EXCEPTED' });
    expect(statusOn('2026-11-22T00:00:00.000Z', '2026-11-22')).toMatchObject({ status: 'EXCEPTED' });
    expect(statusOn('2026-11-22T23:59:59.999Z', '2026-11-22')).toMatchObject({
      status: 'EXCEPTED',
      exception: { expired: false },
    });
    expect(statusOn('2026-11-23T00:00:00.000Z', '2026-11-22')).toMatchObject({
      status: 'FAIL',
      exception: { expired: true },
    });
  });

  it('leaves an expired exception as a FAIL that says it expired', () => {
    const result = audit([mfaOff('ana')], [exception({ expires: '2026-11-21' })]);
    expect(mfaFindings(result)).toEqual([
      expect.objectContaining({
        status: 'FAIL',
        detail: 'two-factor authentication is off; exception expired 2026-11-21',
        exception: {
          reason: 'hardware key on order',
          owner: 'it-security@example.com',
          expires: '2026-11-21',
          expired: true,
        },
      }),
    ]);
    expect(mfaOutcome(result)).toMatchObject({ fail: 1, excepted: 0 });
  });

  it('prefers an exception still in force over an expired one, whether it matched by key or by email', () => {
    const result = audit(
      [mfaOff('ana')],
      [
        exception({ user: 'ana', expires: '2026-01-01' }),
        exception({ expires: '2026-12-31', reason: 'renewed' }),
      ],
    );
    expect(mfaFindings(result)).toMatchObject([
      { status: 'EXCEPTED', exception: { reason: 'renewed', expires: '2026-12-31', expired: false } },
    ]);
  });

  it('does not touch UNKNOWN findings', () => {
    const result = audit([mfaOff('ana', { mfaEnabled: null })], [exception()]);
    expect(mfaFindings(result)).toEqual([expect.objectContaining({ status: 'UNKNOWN' })]);
    expect(mfaFindings(result)[0]).not.toHaveProperty('exception');
    expect(mfaOutcome(result)).toMatchObject({ unknown: 1, excepted: 0 });
  });

  it('does nothing for a rule the provider cannot judge', () => {
    const result = audit([mfaOff('ana')], [exception()], {
      capabilities: { ...everyCapability, mfa: false },
    });
    expect(mfaFindings(result)).toEqual([]);
    expect(mfaOutcome(result)).toMatchObject({ available: false, excepted: 0 });
  });
});

describe('audit result', () => {
  it('lists one outcome per rule, in the order of auditRuleIds', () => {
    const result = audit([], []);
    expect(result.rules.map((outcome) => outcome.rule)).toEqual([
      'mfa-missing',
      'inactive',
      'never-logged-in',
      'password-stale',
      'privileged-grant',
    ]);
    expect(result.findings).toEqual([]);
  });

  it('sorts findings by rule order, then by user key in plain code units', () => {
    const users = ['b', 'a', 'Z', 'B', 'é'].map((key) =>
      mfaOff(key, { lastLoginAt: ago(100), passwordUpdatedAt: ago(100) }),
    );
    const result = audit(users, []);
    expect(result.findings.map((finding) => `${finding.rule}:${finding.userKey}`)).toEqual(
      ['mfa-missing', 'inactive', 'password-stale'].flatMap((rule) =>
        ['B', 'Z', 'a', 'b', 'é'].map((key) => `${rule}:${key}`),
      ),
    );
  });

  it('adds up: evaluated = pass + fail + unknown + excepted, and with out of scope covers every user', () => {
    const statuses = ['active', 'disabled', 'locked', 'invited', 'unknown'] as const;
    const users = statuses.flatMap((status, index) => [
      mfaOff(`${status}-a`, {
        status,
        lastLoginAt: ago(10 * index),
        passwordUpdatedAt: null,
        groups: ['Administrators'],
      }),
      mfaOff(`${status}-b`, {
        status,
        mfaEnabled: index % 2 === 0,
        lastLoginAt: null,
        createdAt: ago(30 * index),
      }),
      mfaOff(`${status}-c`, { status, mfaEnabled: null, lastLoginAt: ago(60), passwordUpdatedAt: ago(120) }),
    ]);
    const result = audit(
      users,
      [exception({ user: 'active-a' }), exception({ user: 'invited-c', rule: 'inactive' })],
      {
        previousGroupsOfUser: new Map([['active-a', []]]),
      },
    );
    for (const outcome of result.rules) {
      expect(outcome.evaluated).toBe(outcome.pass + outcome.fail + outcome.unknown + outcome.excepted);
      expect(outcome.evaluated + outcome.outOfScope).toBe(users.length);
      const findings = result.findings.filter((finding) => finding.rule === outcome.rule);
      expect(findings.filter((finding) => finding.status === 'FAIL')).toHaveLength(outcome.fail);
      expect(findings.filter((finding) => finding.status === 'UNKNOWN')).toHaveLength(outcome.unknown);
      expect(findings.filter((finding) => finding.status === 'EXCEPTED')).toHaveLength(outcome.excepted);
    }
    expect(result.rules.map((outcome) => outcome.excepted)).toEqual([1, 1, 0, 0, 0]);
  });

  it('audits 200,000 users, all of them failing twice, without running out of stack', () => {
    const template = mfaOff('template', { lastLoginAt: ago(100) });
    const users = Array.from({ length: 200_000 }, (_, index) => ({
      ...template,
      key: `u${String(index).padStart(6, '0')}`,
    }));
    const result = audit(users, []);
    expect(result.findings).toHaveLength(400_000);
    expect(result.findings[0]).toMatchObject({ rule: 'mfa-missing', userKey: 'u000000' });
    expect(result.findings[199_999]).toMatchObject({ rule: 'mfa-missing', userKey: 'u199999' });
    expect(result.findings[200_000]).toMatchObject({ rule: 'inactive', userKey: 'u000000' });
    expect(result.rules.map((outcome) => outcome.fail)).toEqual([200_000, 200_000, 0, 0, 0]);
  });

  it('measures every age from scheduledAt and refuses an invalid one', () => {
    const later = audit([mfaOff('ana', { mfaEnabled: true, lastLoginAt: ago(10) })], [], {
      scheduledAt: new Date(scheduledAt.getTime() + 40 * DAY),
    });
    expect(later.findings).toMatchObject([{ rule: 'inactive', userKey: 'ana' }]);
    expect(() => audit([], [], { scheduledAt: new Date('not a date') })).toThrow(RangeError);
  });

  it('leaves its input untouched', () => {
    const users = Object.freeze([mfaOff('b'), mfaOff('a')].map((user) => Object.freeze(user)));
    const before = JSON.stringify(users);
    audit(users, []);
    expect(JSON.stringify(users)).toBe(before);
  });
});
