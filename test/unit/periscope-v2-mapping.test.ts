import { describe, expect, it } from 'vitest';
import {
  accessSummary,
  grantsAdministration,
  toCanonicalGroup,
  toCanonicalUser,
} from '../../functions/providers/periscope-v2/mapping.ts';
import { RoleDirectory, roleKey } from '../../functions/providers/periscope-v2/role-directory.ts';
import {
  dashboardsPageSchema,
  roleRecordSchema,
  userRecordSchema,
  usersPageSchema,
} from '../../functions/providers/periscope-v2/schemas.ts';
import { canonicalGroupSchema, canonicalUserSchema } from '../../functions/shared/model.ts';

/** Shaped after the vendor's placeholders (S001), plus a field the vendor might add one day. */
const monica = {
  id: '0000-test-1111-user-id',
  first_name: 'Monica',
  last_name: 'Geller',
  email: 'Monica.Geller+qa@Example.com',
  roles: ['0000-admin-1111-id', 'Everyone', '0000-admin-1111-id'],
  last_login_at: '2014-02-06T23:46:07.118Z',
  password_updated_at: '2018-10-18T20:08:41.794+01:00',
  tfa_enabled: true,
  seat_type: 'creator',
};

const admin = {
  id: '0000-admin-1111-id',
  name: 'Admin',
  description: 'testing',
  privileges: [
    { object_type: 'Dashboard', permissions: ['read_dashboards', 'create_dashboards'] },
    { object_type: 'Chart', permissions: [] },
    { object_type: 'Dashboard', permissions: ['read_dashboards'] },
  ],
  permissions: [
    { object_type: 'Dashboard', object_id: '268359', permissions: ['create_dashboards'] },
    { object_type: 'Dashboard', object_id: 404, permissions: ['read_dashboards'] },
  ],
};
const everyone = { name: 'Everyone', description: null, privileges: [], permissions: [] };

const directory = () => new RoleDirectory([admin, everyone].map((role) => roleRecordSchema.parse(role)));

describe('periscope-v2 mapping', () => {
  it('keys a user by its id, keeps the e-mail as sent and the record verbatim in raw', () => {
    const user = toCanonicalUser(userRecordSchema.parse(monica), monica, directory());
    expect(user).toEqual({
      key: '0000-test-1111-user-id',
      id: '0000-test-1111-user-id',
      email: 'Monica.Geller+qa@Example.com',
      firstName: 'Monica',
      lastName: 'Geller',
      status: 'unknown',
      groups: ['0000-admin-1111-id', 'name:Everyone'],
      lastLoginAt: '2014-02-06T23:46:07.118Z',
      passwordUpdatedAt: '2018-10-18T19:08:41.794Z',
      mfaEnabled: true,
      raw: monica,
    });
    expect('createdAt' in user).toBe(false);
    expect(canonicalUserSchema.parse(user)).toEqual(user);
  });

  it('keeps "never" as null and leaves out what a record does not carry', () => {
    const { last_login_at: _, tfa_enabled: __, email: ___, ...sparse } = monica;
    const record = { ...sparse, id: 42, first_name: null, password_updated_at: null };
    const user = toCanonicalUser(userRecordSchema.parse(record), record, directory());
    expect(user).toMatchObject({ key: '42', id: '42', firstName: '', passwordUpdatedAt: null });
    for (const absent of ['email', 'lastLoginAt', 'mfaEnabled']) expect(absent in user).toBe(false);
    expect(canonicalUserSchema.safeParse(user).success).toBe(true);
  });

  it('resolves role references given as ids, names and objects, and remembers the ones that match nothing', () => {
    const roles = directory();
    const record = userRecordSchema.parse({
      ...monica,
      roles: [
        { id: '0000-admin-1111-id' },
        { name: 'Everyone' },
        'Admin',
        'gone-role-id',
        { name: 'Ghosts' },
      ],
    });
    expect(toCanonicalUser(record, {}, roles).groups).toEqual([
      '0000-admin-1111-id',
      'gone-role-id',
      'name:Everyone',
      'name:Ghosts',
    ]);
    expect(roles.unresolvedReferences()).toEqual(['gone-role-id', 'Ghosts']);
  });

  it('keys a role by its id, or by name:<name> when the API sent none', () => {
    expect(roleKey(roleRecordSchema.parse(admin))).toBe('0000-admin-1111-id');
    expect(roleKey(roleRecordSchema.parse(everyone))).toBe('name:Everyone');
    expect(roleKey(roleRecordSchema.parse({ ...everyone, id: null }))).toBe('name:Everyone');
    // A name that looks like an id cannot pass for one.
    expect(roleKey(roleRecordSchema.parse({ ...everyone, name: '0000-admin-1111-id' }))).toBe(
      'name:0000-admin-1111-id',
    );
  });

  it('summarises role-wide rights sorted and de-duplicated, so only a change of rights shows in a diff', () => {
    expect(accessSummary(roleRecordSchema.parse(admin).privileges)).toBe(
      'Dashboard: create_dashboards, read_dashboards',
    );
    expect(accessSummary([])).toBe('');
    expect(accessSummary(undefined)).toBeUndefined();
  });

  it('reads a role as administering the site when its rights are over the site, its users or roles', () => {
    const rights = (object_type: string, permissions: string[]) => [{ object_type, permissions }];
    expect(grantsAdministration(rights('Site', ['manage_settings']))).toBe(true);
    expect(grantsAdministration(rights('Users', ['read_users']))).toBe(true);
    expect(grantsAdministration(rights('Dashboard', ['manage_dashboards']))).toBe(true);
    expect(grantsAdministration(rights('Dashboard', ['create_dashboards', 'archive_dashboards']))).toBe(
      false,
    );
    expect(grantsAdministration(rights('Site', []))).toBe(false);
    expect(grantsAdministration(undefined)).toBe(false);
  });

  it('maps a role with its dashboard grants named from the dashboards listing', () => {
    const names = new Map<string, string | null>([['268359', 'Revenue, "EMEA"']]);
    const group = toCanonicalGroup(roleRecordSchema.parse(admin), admin, names, 3);
    expect(group).toEqual({
      key: '0000-admin-1111-id',
      id: '0000-admin-1111-id',
      name: 'Admin',
      access: 'Dashboard: create_dashboards, read_dashboards',
      description: 'testing',
      memberCount: 3,
      // Dashboard rights only: "Admin" is an administrator by its name (the adapter declares it).
      admin: false,
      raw: {
        role: admin,
        dashboards: [
          { id: '268359', name: 'Revenue, "EMEA"', permissions: ['create_dashboards'] },
          { id: '404', name: null, permissions: ['read_dashboards'] },
        ],
      },
    });
    expect(canonicalGroupSchema.parse(group)).toEqual(group);

    const idless = toCanonicalGroup(roleRecordSchema.parse(everyone), everyone, names, 0);
    expect(idless).toEqual({
      key: 'name:Everyone',
      name: 'Everyone',
      access: '',
      description: '',
      memberCount: 0,
      admin: false,
      raw: { role: everyone, dashboards: [] },
    });
  });

  it("names each of a user's roles once, so the sink counts each member once per role", () => {
    const users = [monica, { ...monica, id: 'u2', roles: ['Everyone'] }].map((record) =>
      toCanonicalUser(userRecordSchema.parse(record), record, directory()),
    );
    expect(users.map((user) => user.groups)).toEqual([
      ['0000-admin-1111-id', 'name:Everyone'],
      ['name:Everyone'],
    ]);
  });

  it('refuses pages whose own counts disagree with what they hold, and reads integer cursors as text', () => {
    const page = { total_users: 1, users_this_page: 2, next_page_start: null, users: [monica] };
    expect(usersPageSchema.safeParse(page).error?.issues[0]).toMatchObject({
      path: ['users_this_page'],
      message: 'says 2 records but the page holds 1',
    });
    expect(usersPageSchema.safeParse({ users: [monica], items_this_page: 1 }).success).toBe(true);
    expect(userRecordSchema.safeParse({ ...monica, roles: [{}] }).success).toBe(false);
    expect(
      userRecordSchema.safeParse({ ...monica, last_login_at: '06/02/2014' }).error?.issues[0]?.message,
    ).toBe('not an ISO-8601 timestamp');

    const dashboards = dashboardsPageSchema.parse({
      dashboards: [{ id: 268359, name: 'Revenue' }],
      next_page_start: 268360,
      items_this_page: 1,
    });
    expect(dashboards).toMatchObject({ next_page_start: '268360', dashboards: [{ id: '268359' }] });
    expect(dashboardsPageSchema.safeParse({ dashboards: [], items_this_page: 3 }).success).toBe(false);
  });
});
