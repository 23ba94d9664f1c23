import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, queryFingerprint } from '../../dev/emulators/lumapps/cursor.ts';
import { generateSiteData, naiveTimestamp } from '../../dev/emulators/lumapps/data.ts';
import { applySelection, parseFields } from '../../dev/emulators/lumapps/partial-response.ts';

const options = {
  users: 60,
  feeds: 12,
  hiddenUsers: 4,
  disabledUsers: 6,
  seed: 7,
  organizationId: '4664706704080896',
  adminEmail: 'admin@example.com',
};

describe('lumapps emulator data', () => {
  it('is deterministic for a seed and sorted by id, ids unique and 16 digits', () => {
    const a = generateSiteData(options);
    expect(generateSiteData(options)).toEqual(a);
    expect(generateSiteData({ ...options, seed: 8 })).not.toEqual(a);
    const ids = a.users.map((user) => user.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(70);
    for (const id of [...ids, ...a.feeds.map((feed) => feed.id)]) expect(id).toMatch(/^\d{16}$/);
  });

  it('has the admin, the hidden and disabled users asked for, and no login, MFA or password field', () => {
    const { users } = generateSiteData(options);
    const admins = users.filter((user) => user.email === 'admin@example.com');
    expect(admins).toHaveLength(1);
    expect(admins[0]?.isSuperAdmin).toBe(true);
    expect(users.filter((user) => user.status === 'disabled')).toHaveLength(6);
    expect(users.filter((user) => user.isHidden === true && user.status !== 'disabled')).toHaveLength(4);
    expect(users.filter((user) => user.isHidden === true && user.status === 'disabled')).toHaveLength(2);
    for (const user of users) {
      const audit = Object.keys(user).filter((key) => /login|mfa|password|tfa/i.test(key));
      // A flag the admin sets, not a record of a login or a password change.
      expect(audit.filter((key) => key !== 'changePasswordAtNextLogin')).toEqual([]);
    }
  });

  it('has the awkward cases even on a small site: hostile names, missing defaults, naive timestamps, withdrawn memberships', () => {
    const { users } = generateSiteData(options);
    const names = users.map((user) => `${user.firstName} ${user.lastName}`).join('\n');
    expect(names).toContain('Smith, Jr.');
    expect(names).toContain('"The Rock"');
    expect(users.some((user) => !('status' in user))).toBe(true);
    expect(users.some((user) => !('isHidden' in user))).toBe(true);
    expect(users.some((user) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(user.createdAt))).toBe(true);
    for (const user of users)
      expect(user.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/);
    expect(users.some((user) => user.subscriptions.some((s) => s.status === 'DELETED'))).toBe(true);
    expect(users.some((user) => user.devices?.[0]?.lastConnection !== undefined)).toBe(true);
  });

  it('writes naive timestamps the way Python isoformat does', () => {
    expect(naiveTimestamp(Date.UTC(2019, 2, 12, 11, 48, 55, 684), 166)).toBe('2019-03-12T11:48:55.684166');
    expect(naiveTimestamp(Date.UTC(2019, 2, 12, 11, 48, 55, 0), 0)).toBe('2019-03-12T11:48:55');
    expect(naiveTimestamp(Date.UTC(2019, 2, 12, 11, 48, 55, 0), 7)).toBe('2019-03-12T11:48:55.000007');
  });
});

describe('lumapps emulator cursors', () => {
  it('round-trips a position and refuses a cursor from another query or a garbled one', () => {
    const fingerprint = queryFingerprint('user/list', { showHidden: ['true'], feeds: ['b', 'a'] });
    expect(queryFingerprint('user/list', { feeds: ['a', 'b'], showHidden: ['true'] })).toBe(fingerprint);
    const cursor = encodeCursor(fingerprint, '5629499534213120');
    expect(cursor).not.toContain('5629499534213120');
    expect(decodeCursor(cursor, fingerprint)).toEqual({ ok: true, after: '5629499534213120' });
    const other = queryFingerprint('user/list', { showHidden: ['false'], feeds: ['a', 'b'] });
    expect(decodeCursor(cursor, other)).toEqual({ ok: false, problem: 'other-query' });
    expect(decodeCursor(`${cursor.slice(0, -3)}xyz`, fingerprint)).toEqual({
      ok: false,
      problem: 'malformed',
    });
    expect(decodeCursor('not a cursor!', fingerprint)).toEqual({ ok: false, problem: 'malformed' });
  });
});

describe('lumapps emulator partial responses', () => {
  const body = {
    items: [
      { id: '1', uid: '1', email: 'a' },
      { id: '2', email: 'b' },
    ],
    cursor: 'c',
    more: true,
    callId: 'x',
  };

  it('selects fields inside arrays and objects', () => {
    const selection = parseFields('items(id,uid),cursor,more');
    expect(selection && applySelection(body, selection)).toEqual({
      items: [{ id: '1', uid: '1' }, { id: '2' }],
      cursor: 'c',
      more: true,
    });
    const nested = parseFields('items/email,more');
    expect(nested && applySelection(body, nested)).toEqual({
      items: [{ email: 'a' }, { email: 'b' }],
      more: true,
    });
  });

  it('refuses a malformed selection', () => {
    for (const bad of ['items(id', 'items()', ',more', 'items/', 'a b'])
      expect(parseFields(bad), bad).toBeUndefined();
  });
});
