import { afterEach, describe, expect, it } from 'vitest';
import {
  type PeriscopeV2Emulator,
  type PeriscopeV2EmulatorOptions,
  startPeriscopeV2Emulator,
} from '../../dev/emulators/periscope-v2/index.ts';

const DRY_RUN = { message: 'Action would have completed successfully' };

const running: PeriscopeV2Emulator[] = [];
async function start(options: PeriscopeV2EmulatorOptions = {}): Promise<PeriscopeV2Emulator> {
  const emulator = await startPeriscopeV2Emulator({ users: 12, roles: 5, dashboards: 8, ...options });
  running.push(emulator);
  return emulator;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

interface CallOptions {
  method?: string;
  body?: unknown;
  auth?: string;
}

async function call(e: PeriscopeV2Emulator, path: string, options: CallOptions = {}) {
  const res = await fetch(`${e.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      'HTTP-X-PARTNER-AUTH': options.auth ?? `${e.site}:${e.apiKey}`,
      'Content-Type': 'application/json',
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected field by field
  return { status: res.status, body: (await res.json()) as any };
}

const newUser = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  invited_by_email: 'it@x.io',
};

describe('periscope-v2 emulator over HTTP', () => {
  it('answers 404 for unknown routes, 403 for bad auth, then 404 everywhere when the feature is off', async () => {
    const e = await start();
    expect((await call(e, '/api/v1/users')).status).toBe(404);
    expect((await call(e, '/api/v2/users', { auth: `${e.site}:wrong` })).status).toBe(403);
    expect((await call(e, '/api/v2/users', { auth: e.apiKey })).status).toBe(403);
    e.state.setApiEnabled(false);
    for (const path of ['/api/v2/users', '/api/v1/roles', '/api/v1/dashboards']) {
      expect(await call(e, path)).toEqual({ status: 404, body: { message: 'Not found' } });
    }
  });

  it('serves one user by id, 404 for an unknown one, and hides role ids under the quirk', async () => {
    const e = await start({ rolesWithoutIds: true });
    const [user] = e.state.users();
    const everyone = e.state.roles().find((role) => role.name === 'Everyone');
    const got = await call(e, `/api/v2/users/${user?.id}`);
    expect(got.status).toBe(200);
    expect(got.body.roles[0]).toBe('Everyone');
    expect((await call(e, '/api/v2/users/no-such-id')).status).toBe(404);
    const roles = (await call(e, '/api/v1/roles')).body.roles;
    expect(roles.find((role: { name: string }) => role.name === 'Everyone')).not.toHaveProperty('id');
    expect((await call(e, `/api/v1/roles/${everyone?.id}`)).body).toMatchObject({ name: 'Everyone' });
  });

  it('dry-runs writes only for test_mode=true exactly, with every validation still applied', async () => {
    const e = await start();
    expect(await call(e, '/api/v2/users?test_mode=true', { method: 'POST', body: newUser })).toEqual({
      status: 201,
      body: DRY_RUN,
    });
    expect(e.state.userCount).toBe(12);
    const created = await call(e, '/api/v2/users?test_mode=True', { method: 'POST', body: newUser });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'ada@example.com', last_login_at: null, tfa_enabled: false });
    expect(e.state.getUser(created.body.id)).toBeDefined();
    expect((await call(e, '/api/v2/users?test_mode=true', { method: 'POST', body: newUser })).status).toBe(
      409,
    );
    const badRole = { ...newUser, email: 'b@example.com', roles: ['nope'] };
    expect((await call(e, '/api/v2/users', { method: 'POST', body: badRole })).status).toBe(400);
  });

  it('updates and deletes users and roles by id, keeping "Everyone"', async () => {
    const e = await start();
    const [user] = e.state.users();
    const admin = e.state.roles().find((role) => role.name === 'Admin');
    const everyone = e.state.roles().find((role) => role.name === 'Everyone');
    const updated = await call(e, `/api/v2/users/${user?.id}`, {
      method: 'PUT',
      body: { roles: [admin?.id] },
    });
    expect(updated.body.roles).toEqual([everyone?.id, admin?.id]);

    const role = await call(e, '/api/v1/roles', {
      method: 'POST',
      body: {
        name: 'Auditors',
        created_by_email: 'it@x.io',
        permissions: [{ object_type: 'Dashboard', object_id: 1, permissions: ['read_dashboards'] }],
      },
    });
    expect(role).toMatchObject({
      status: 201,
      body: { name: 'Auditors', permissions: [{ object_id: '1' }] },
    });
    expect(
      (
        await call(e, '/api/v1/roles', {
          method: 'POST',
          body: { name: 'Auditors', created_by_email: 'it@x.io' },
        })
      ).status,
    ).toBe(409);
    expect((await call(e, `/api/v1/roles/${everyone?.id}`, { method: 'DELETE' })).status).toBe(400);
    expect((await call(e, `/api/v1/roles/${admin?.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(e.state.getUser(user?.id ?? '')?.roles).toEqual([everyone?.id]);
    expect((await call(e, `/api/v2/users/${user?.id}`, { method: 'DELETE' })).body).toEqual({
      message: `User removed from ${e.site}`,
    });
    expect(e.state.getUser(user?.id ?? '')).toBeUndefined();
  });

  it('pages dashboards from an integer cursor and refuses one that is not an id', async () => {
    const e = await start({ dashboards: 5, pageSize: 2 });
    const ids = e.state.dashboards().map((d) => d.id);
    const first = await call(e, '/api/v1/dashboards');
    expect(first.body).toMatchObject({ items_this_page: 2, next_page_start: ids[2] });
    const last = await call(e, `/api/v1/dashboards?next_page_start=${ids[4]}`);
    expect(last.body).toEqual({
      dashboards: [e.state.dashboards()[4]],
      next_page_start: null,
      items_this_page: 1,
    });
    expect((await call(e, '/api/v1/dashboards?next_page_start=abc')).status).toBe(400);
  });
});
