import { afterEach, describe, expect, it } from 'vitest';
import { startTrivoreEmulator, type TrivoreEmulator } from '../../dev/emulators/trivore/index.ts';

const running: TrivoreEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: Parameters<typeof startTrivoreEmulator>[0] = {}): Promise<TrivoreEmulator> {
  const started = await startTrivoreEmulator({ users: 30, groups: 5, ...options });
  running.push(started);
  return started;
}

function basic(site: TrivoreEmulator, secret = site.credentials.clientSecret): string {
  return `Basic ${Buffer.from(`${site.credentials.clientId}:${secret}`).toString('base64')}`;
}

async function get(site: TrivoreEmulator, path: string, authorization: string | null = basic(site)) {
  const response = await fetch(`${site.url}/api/rest/v1${path}`, {
    headers: authorization === null ? {} : { authorization },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const idsOf = (body: Record<string, unknown>) =>
  (body.resources as { id: string }[]).map((record) => record.id);

describe('trivore emulator over HTTP', () => {
  it('pages with a 0-based startIndex and lower-case resources, as documented', async () => {
    const site = await emulator();
    const all = site.state.users().map((user) => user.id);
    const first = await get(site, '/user?startIndex=0&count=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ totalResults: 30, startIndex: 0, itemsPerPage: 2 });
    expect(first.body).not.toHaveProperty('Resources');
    expect(idsOf(first.body)).toEqual(all.slice(0, 2));
    // startIndex=1 is the second user: a client counting from 1 skips the first.
    expect(idsOf((await get(site, '/user?startIndex=1&count=2')).body)).toEqual(all.slice(1, 3));
    expect(idsOf((await get(site, '/user?startIndex=29&count=5')).body)).toEqual(all.slice(29));
    expect(idsOf((await get(site, '/user?startIndex=30&count=5')).body)).toEqual([]);
  });

  it('sends startIndex and itemsPerPage only when a paging parameter was sent', async () => {
    const site = await emulator({ defaultCount: 10 });
    const unpaged = await get(site, '/user');
    expect(Object.keys(unpaged.body).sort()).toEqual(['resources', 'totalResults']);
    expect(idsOf(unpaged.body)).toHaveLength(10);
  });

  it('cuts a count above 500 to 500 silently', async () => {
    const site = await emulator({ users: 600 });
    const page = await get(site, '/user?startIndex=0&count=1000');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ totalResults: 600, itemsPerPage: 500 });
  });

  it('refuses malformed paging, unknown sort fields and unsearchable filters with the error envelope', async () => {
    const site = await emulator();
    for (const query of ['startIndex=-1', 'count=ten', 'sortBy=lastLogin', 'filter=password eq "x"']) {
      const answer = await get(site, `/user?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ errorMessage: expect.any(String), statusCode: 400 });
    }
  });

  it('sorts by id by default and by username on request, and filters members of a group', async () => {
    const site = await emulator();
    const users = site.state.users();
    const byName = idsOf((await get(site, '/user?startIndex=0&count=100&sortBy=username')).body);
    expect(byName).toEqual(
      [...users]
        .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))
        .map((u) => u.id),
    );
    const descending = idsOf(
      (await get(site, '/user?startIndex=0&count=100&sortBy=id&ascending=false')).body,
    );
    expect(descending).toEqual(users.map((user) => user.id).reverse());
    const group = site.state.groups()[0]?.id ?? '';
    const members = await get(site, `/user?filter=${encodeURIComponent(`memberOf eq "${group}"`)}&count=100`);
    expect(idsOf(members.body)).toEqual(
      users.filter((user) => user.memberOf.includes(group)).map((u) => u.id),
    );
  });

  it('answers single users and groups, and 404 for unknown ids', async () => {
    const site = await emulator();
    const user = site.state.users()[3];
    const group = site.state.groups()[2];
    expect((await get(site, `/user/${user?.id}`)).body).toEqual(user);
    expect((await get(site, `/group/${group?.id}`)).body).toEqual(group);
    expect(user?.meta.location).toBe(`${site.url}/api/rest/v1/user/${user?.id}`);
    const missing = await get(site, '/user/000000000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.statusCode).toBe(404);
  });

  it('answers 401 to missing or wrong Basic credentials, and 403 naming a permission the client lacks', async () => {
    const site = await emulator({ deniedPermissions: ['GROUP_VIEW'] });
    for (const authorization of [null, basic(site, 'wrong'), 'Bearer token']) {
      const answer = await get(site, '/user', authorization);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('Basic');
      expect(answer.body.statusCode).toBe(401);
    }
    expect((await get(site, '/user')).status).toBe(200);
    expect(await get(site, '/group')).toMatchObject({
      status: 403,
      body: { errorMessage: 'Client does not have required permission GROUP_VIEW.', statusCode: 403 },
    });
    site.setDeniedPermissions(['ACCOUNT_VIEW']);
    expect((await get(site, '/user?count=1')).body.errorMessage).toBe(
      'Client does not have required permission ACCOUNT_VIEW.',
    );
  });

  it('serves page K again for every later offset under the repeat-cursor fault, echoing the asked startIndex', async () => {
    const site = await emulator({ faults: { repeatCursor: { fromPage: 2 } } });
    const all = site.state.users().map((user) => user.id);
    await get(site, '/user?startIndex=0&count=10');
    const second = await get(site, '/user?startIndex=10&count=10');
    const third = await get(site, '/user?startIndex=20&count=10');
    expect(idsOf(second.body)).toEqual(all.slice(10, 20));
    expect(idsOf(third.body)).toEqual(all.slice(10, 20));
    expect(third.body.startIndex).toBe(20);
  });

  it('adds and removes users after listing page K under the drift fault, shifting later offsets', async () => {
    const site = await emulator({ faults: { drift: { afterPage: 1, add: 2, remove: 3 } } });
    const before = site.state.users().map((user) => user.id);
    const first = await get(site, '/user?startIndex=0&count=10');
    expect(idsOf(first.body)).toEqual(before.slice(0, 10));
    expect(first.body.totalResults).toBe(30);
    expect(site.state.userCount).toBe(29);
    expect((await get(site, '/user?startIndex=0&count=10')).body.totalResults).toBe(29);
  });

  it('logs requests by kind and, with latency, how many were on the server at once', async () => {
    // Enough latency that three requests sent together are surely on the server together.
    const site = await emulator({ faults: { latencyMs: 50 } });
    await Promise.all([get(site, '/user?count=1'), get(site, '/user?count=1'), get(site, '/group')]);
    await get(site, `/user/${site.state.users()[0]?.id}`);
    expect(site.requestsByKind()).toEqual({ 'users-list': 2, 'groups-list': 1, 'user-detail': 1 });
    expect(site.peakConcurrency()).toBe(3);
    expect(site.peakConcurrency('users-list')).toBe(2);
    site.resetRequestLog();
    expect(site.requestsByKind()).toEqual({});
    expect(site.peakConcurrency()).toBe(0);
  });
});
