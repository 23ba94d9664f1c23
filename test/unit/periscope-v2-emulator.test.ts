import { describe, expect, it } from 'vitest';
import { generateSiteData } from '../../dev/emulators/periscope-v2/data.ts';
import { matchRoute } from '../../dev/emulators/periscope-v2/routes/router.ts';

const options = { users: 60, roles: 8, dashboards: 30, seed: 3 };

describe('periscope-v2 emulator data', () => {
  it('is deterministic per seed', () => {
    expect(generateSiteData(options)).toEqual(generateSiteData(options));
    expect(generateSiteData({ ...options, seed: 4 }).users).not.toEqual(generateSiteData(options).users);
  });

  it('gives users unique UUID-shaped ids in listing order, all in "Everyone", with hostile names', () => {
    // Hostile names go to every tenth generated user, so 150 users hold each of them.
    const { users, roles } = generateSiteData({ ...options, users: 150 });
    const ids = users.map((user) => user.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set([...ids, ...roles.map((role) => role.id)]).size).toBe(users.length + roles.length);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const everyone = roles.find((role) => role.name === 'Everyone');
    for (const user of users) expect(user.roles[0]).toBe(everyone?.id);
    const names = users.map((user) => `${user.first_name} ${user.last_name}`);
    expect(names.some((name) => name.includes(','))).toBe(true);
    expect(names.some((name) => /^[=+\-@]/.test(name))).toBe(true);
    expect(users.some((user) => user.last_login_at === null)).toBe(true);
  });

  it('has roles with and without dashboard grants, granting dashboards that exist', () => {
    const { roles, dashboards } = generateSiteData(options);
    expect(roles.map((role) => role.name).slice(0, 2)).toEqual(['Everyone', 'Admin']);
    expect(roles).toHaveLength(8);
    const dashboardIds = new Set(dashboards.map((dashboard) => String(dashboard.id)));
    const granting = roles.filter((role) => role.permissions.length > 0);
    expect(granting.length).toBeGreaterThan(0);
    expect(roles.find((role) => role.name === 'Everyone')?.permissions).toEqual([]);
    for (const grant of granting.flatMap((role) => role.permissions))
      expect(dashboardIds).toContain(grant.object_id);
    const sorted = dashboards.map((dashboard) => dashboard.id);
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
    expect(new Set(sorted).size).toBe(sorted.length);
  });

  it('grants no dashboards on a site without any', () => {
    const { roles } = generateSiteData({ ...options, dashboards: 0 });
    expect(roles.every((role) => role.permissions.length === 0)).toBe(true);
  });
});

describe('periscope-v2 emulator routes', () => {
  const kind = (method: string, path: string) => {
    const route = matchRoute(method, path);
    return typeof route === 'object' ? route.kind : route;
  };

  it('splits the API as the vendor does and classifies requests for fault scoping', () => {
    expect(kind('GET', '/api/v2/users')).toBe('users-list');
    expect(kind('GET', '/api/v2/users/0000-test-1111-user-id')).toBe('user-detail');
    expect(kind('GET', '/api/v1/roles')).toBe('groups-list');
    expect(kind('GET', '/api/v1/roles/r-1')).toBe('group-detail');
    expect(kind('GET', '/api/v1/dashboards')).toBe('group-detail');
    expect(kind('POST', '/api/v2/users')).toBe('write');
    expect(kind('DELETE', '/api/v1/roles/r-1')).toBe('write');
    for (const wrong of ['/api/v1/users', '/api/v2/roles', '/api/v2/dashboards', '/api/v1/dashboards/1']) {
      expect(kind('GET', wrong)).toBeUndefined();
    }
    expect(kind('PUT', '/api/v2/users')).toBeUndefined();
    expect(kind('GET', '/api/v2/users/%ZZ')).toBe('malformed');
  });
});
