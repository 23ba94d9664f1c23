import { describe, expect, it } from 'vitest';
import { toCanonicalGroup, toCanonicalUser } from '../../functions/providers/periscope-v1/mapping.ts';
import {
  groupDetailSchema,
  userRecordSchema,
  usersPageSchema,
} from '../../functions/providers/periscope-v1/schemas.ts';
import { normaliseTimestamp } from '../../functions/providers/periscope-v1/timestamps.ts';
import { canonicalGroupSchema, canonicalUserSchema } from '../../functions/shared/model.ts';

/** The vendor's own example record (S004), plus a field the vendor might add one day. */
const monica = {
  first_name: 'Monica',
  last_name: 'Geller',
  email: 'Monica.Geller+qa@Example.com',
  groups: ['All Users', 'Sales', 'All Users'],
  last_login_at: '2014-02-06T23:46:07.118Z',
  password_updated_at: '2018-10-18T20:08:41.794Z',
  tfa_enabled: true,
  seat_type: 'creator',
};

describe('periscope-v1 mapping', () => {
  it('maps a user record to the canonical model and keeps the record verbatim in raw', () => {
    const user = toCanonicalUser(userRecordSchema.parse(monica), monica);
    expect(user).toEqual({
      key: 'monica.geller+qa@example.com',
      email: 'Monica.Geller+qa@Example.com',
      firstName: 'Monica',
      lastName: 'Geller',
      status: 'unknown',
      groups: ['All Users', 'Sales'],
      lastLoginAt: '2014-02-06T23:46:07.118Z',
      passwordUpdatedAt: '2018-10-18T20:08:41.794Z',
      mfaEnabled: true,
      raw: monica,
    });
    expect('createdAt' in user).toBe(false);
    expect(canonicalUserSchema.parse(user)).toEqual(user);
  });

  it('keeps "never" as null and reads other zones as UTC', () => {
    const invited = {
      ...monica,
      first_name: null,
      last_login_at: null,
      password_updated_at: '2026-03-01T10:00:00+02:00',
      tfa_enabled: null,
    };
    const user = toCanonicalUser(userRecordSchema.parse(invited), invited);
    expect(user).toMatchObject({
      firstName: '',
      lastLoginAt: null,
      passwordUpdatedAt: '2026-03-01T08:00:00.000Z',
      mfaEnabled: null,
    });
    expect(canonicalUserSchema.safeParse(user).success).toBe(true);
  });

  it('normalises timestamps to UTC with Z and refuses what is not one', () => {
    expect(normaliseTimestamp('2014-02-06T23:46:07.118Z')).toBe('2014-02-06T23:46:07.118Z');
    expect(normaliseTimestamp('2019-03-12T11:48:55.684166')).toBe('2019-03-12T11:48:55.684Z');
    expect(normaliseTimestamp('2026-01-01T00:30:00-01:30')).toBe('2026-01-01T02:00:00.000Z');
    expect(normaliseTimestamp('2026-02-30T00:00:00Z')).toBeUndefined();
    expect(normaliseTimestamp('yesterday')).toBeUndefined();
  });

  it('refuses a page that breaks the documented shape and names the first issue', () => {
    const page = {
      total_users: 2,
      users_this_page: 2,
      next_page_start: null,
      users: [monica, { ...monica, email: 42 }],
    };
    const result = usersPageSchema.safeParse(page);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['users', 1, 'email']);

    const miscounted = usersPageSchema.safeParse({ ...page, users: [monica] });
    expect(miscounted.error?.issues[0]?.message).toBe('says 2 records but the page holds 1');

    const badDate = userRecordSchema.safeParse({ ...monica, last_login_at: '06/02/2014' });
    expect(badDate.error?.issues[0]?.message).toBe('not an ISO-8601 timestamp');
  });

  it("maps a group detail with its dashboards, and names each of a user's groups once", () => {
    const detail = { name: 'Sales', access: 'Sql', dashboards: [{ name: 'Pipeline', access: 'Edit' }] };
    const users = [
      monica,
      { ...monica, email: 'rachel@example.com', groups: ['All Users', 'All Users'] },
    ].map((record) => toCanonicalUser(userRecordSchema.parse(record), record));
    // The sink counts members from these lists, so a group named twice must count once.
    expect(users.map((user) => user.groups)).toEqual([['All Users', 'Sales'], ['All Users']]);
    const group = toCanonicalGroup(groupDetailSchema.parse(detail), detail, 1);
    expect(group).toEqual({ key: 'Sales', name: 'Sales', access: 'Sql', memberCount: 1, raw: detail });
    expect(canonicalGroupSchema.parse(group)).toEqual(group);
  });
});
