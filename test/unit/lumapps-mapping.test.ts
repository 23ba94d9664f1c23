import { describe, expect, it } from 'vitest';
import {
  isMembership,
  RecordNotes,
  toCanonicalGroup,
  toCanonicalUser,
  userStatus,
} from '../../functions/providers/lumapps/mapping.ts';
import {
  feedRecordSchema,
  listPageSchema,
  userRecordSchema,
} from '../../functions/providers/lumapps/schemas.ts';
import { canonicalGroupSchema, canonicalUserSchema } from '../../functions/shared/model.ts';

/** Shaped like the vendor's records (discovery schema `User`, SDK test data timestamps). */
const hidden = {
  id: '5629499534213120',
  uid: '5629499534213120',
  email: 'Ada.Lovelace@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace, "Countess"',
  fullName: 'Ada Lovelace, "Countess"',
  accountType: 'google',
  isHidden: true,
  createdAt: '2019-03-12T11:48:55.684166',
  updatedAt: '2019-12-30T15:21:22.407701',
  customer: '222222222',
  isSuperAdmin: false,
  subscriptions: [
    { id: '1', feed: '6000000000000002', level: 'MEMBER', status: 'LIVE' },
    { id: '2', feed: '6000000000000001', level: 'OWNER' },
    { id: '3', feed: '6000000000000003', level: 'MEMBER', status: 'DELETED' },
    { id: '4', feed: '6000000000000002', level: 'MEMBER', status: 'LIVE' },
  ],
  devices: [{ deviceId: 'd1', platform: 'IOS', lastConnection: '2026-10-01T08:00:00.000001' }],
  somethingNew: { vendor: 'added later' },
};

const map = (record: unknown) => toCanonicalUser(userRecordSchema.parse(record), record);

describe('lumapps mapping', () => {
  it('reads an administrator from the platform, site or staff flags on the user record', () => {
    expect(map({ id: 'u1', isSuperAdmin: true }).admin).toBe(true);
    expect(map({ id: 'u1', instancesSuperAdmin: ['instance-1'] }).admin).toBe(true);
    expect(map({ id: 'u1', isGod: true }).admin).toBe(true);
    expect(map({ id: 'u1', isSuperAdmin: false, instancesSuperAdmin: [], isGod: null }).admin).toBe(false);
  });

  it('maps a user to the canonical model, keyed by id, and keeps the record verbatim in raw', () => {
    const user = map(hidden);
    expect(user).toEqual({
      key: '5629499534213120',
      id: '5629499534213120',
      email: 'Ada.Lovelace@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace, "Countess"',
      // A record without `status` holds the schema's default, enabled; hidden users can sign in.
      status: 'active',
      groups: ['6000000000000001', '6000000000000002'],
      createdAt: '2019-03-12T11:48:55.684Z',
      admin: false,
      raw: hidden,
    });
    expect(user.raw).toBe(hidden);
    expect(canonicalUserSchema.parse(user)).toEqual(user);
  });

  it('leaves last login, password date and MFA absent: LumApps has none (a device connection is not a login)', () => {
    const user = map(hidden);
    expect('lastLoginAt' in user).toBe(false);
    expect('passwordUpdatedAt' in user).toBe(false);
    expect('mfaEnabled' in user).toBe(false);
  });

  it('maps statuses: enabled or absent is active, disabled is disabled, anything else unknown', () => {
    expect(userStatus(undefined)).toBe('active');
    expect(userStatus('enabled')).toBe('active');
    expect(userStatus('disabled')).toBe('disabled');
    expect(userStatus('blocked')).toBe('unknown');
    expect(map({ id: 'u1', status: 'disabled', isHidden: true }).status).toBe('disabled');
  });

  it('counts LIVE subscriptions (or ones without a status) as memberships, never withdrawn ones', () => {
    expect(isMembership({ feed: 'f', status: 'LIVE' })).toBe(true);
    expect(isMembership({ feed: 'f' })).toBe(true);
    expect(isMembership({ feed: 'f', status: 'DELETED' })).toBe(false);
    expect(map({ id: 'u1', subscriptions: [] }).groups).toEqual([]);
    expect(map({ id: 'u1' }).groups).toEqual([]);
  });

  it('keeps a missing createdAt as null (LumApps has the field) and leaves missing names out', () => {
    const user = map({ id: 'u1', createdAt: '' });
    expect(user.createdAt).toBeNull();
    expect(map({ id: 'u2' }).createdAt).toBeNull();
    expect(user).not.toHaveProperty('email');
    expect(user).not.toHaveProperty('firstName');
  });

  it('redacts Microsoft tokens from raw should the API ever send them, and nothing else', () => {
    const record = { id: 'u1', msToken: 'eyJ-secret', msRefreshToken: '', email: 'a@b.c' };
    const user = map(record);
    expect(user.raw).toEqual({ id: 'u1', msToken: '[redacted]', msRefreshToken: '', email: 'a@b.c' });
    expect(record.msToken).toBe('eyJ-secret');
  });

  it('refuses a record without an id and a timestamp it cannot read', () => {
    expect(userRecordSchema.safeParse({ email: 'a@b.c' }).success).toBe(false);
    expect(userRecordSchema.safeParse({ id: 'u1', createdAt: '12/03/2019' }).success).toBe(false);
    expect(userRecordSchema.safeParse({ id: 'u1', createdAt: '2019-02-30T00:00:00' }).success).toBe(false);
  });

  it('requires `more` on a page: without it nobody can tell whether the listing ended', () => {
    const page = listPageSchema(userRecordSchema);
    expect(page.safeParse({ items: [{ id: 'u1' }], cursor: 'c' }).success).toBe(false);
    expect(page.parse({ more: false })).toEqual({ more: false });
  });

  it('maps a feed to a group keyed by id, with its member count', () => {
    const raw = {
      id: '6000000000000001',
      uid: '6000000000000001',
      name: 'Sales / EMEA',
      type: '42',
      status: 'enabled',
    };
    const group = toCanonicalGroup(feedRecordSchema.parse(raw), raw, 7);
    expect(group).toEqual({
      key: '6000000000000001',
      id: '6000000000000001',
      name: 'Sales / EMEA',
      memberCount: 7,
      raw,
    });
    expect(canonicalGroupSchema.parse(group)).toEqual(group);
  });

  it("names each of a user's feeds once, so the sink counts each member once per group", () => {
    const users = [map(hidden), map({ id: 'u2', subscriptions: [{ feed: '6000000000000002' }] })];
    expect(users.map((user) => user.groups)).toEqual([
      ['6000000000000001', '6000000000000002'],
      ['6000000000000002'],
    ]);
  });

  it('notes undocumented user statuses and subscription statuses for the manifest', () => {
    const notes = new RecordNotes();
    for (const record of [
      { id: 'u1', status: 'blocked' },
      { id: 'u2', status: 'blocked', subscriptions: [{ feed: 'f', status: 'ARCHIVED' }] },
      { id: 'u3', subscriptions: [{ feed: 'f', status: 'DELETED' }] },
    ]) {
      notes.observe(userRecordSchema.parse(record));
    }
    expect(notes.warnings()).toEqual([
      'users with a status LumApps does not document were kept with status "unknown": "blocked" × 2',
      'feed subscriptions with a status other than LIVE or DELETED were not counted as memberships: "ARCHIVED" × 1',
    ]);
    expect(new RecordNotes().warnings()).toEqual([]);
  });
});
