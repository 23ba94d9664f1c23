import { afterEach, describe, expect, it } from 'vitest';
import {
  startTrivoreEmulator,
  type TrivoreEmulator,
  type TrivoreGroup,
  type TrivoreUser,
} from '../../dev/emulators/trivore/index.ts';

const running: TrivoreEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: Parameters<typeof startTrivoreEmulator>[0] = {}): Promise<TrivoreEmulator> {
  const started = await startTrivoreEmulator({ users: 20, groups: 5, ...options });
  running.push(started);
  return started;
}

function basic(site: TrivoreEmulator): string {
  return `Basic ${Buffer.from(`${site.credentials.clientId}:${site.credentials.clientSecret}`).toString('base64')}`;
}

interface SendOptions {
  readonly authorization?: string | null;
  readonly contentType?: string;
  /** Sent as is instead of JSON. */
  readonly raw?: string;
}

async function send(
  site: TrivoreEmulator,
  method: string,
  path: string,
  body?: unknown,
  options: SendOptions = {},
) {
  const authorization = options.authorization === undefined ? basic(site) : options.authorization;
  const text = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const response = await fetch(`${site.url}/api/rest/v1${path}`, {
    method,
    headers: {
      ...(authorization === null ? {} : { authorization }),
      ...(text === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
      accept: 'application/json',
    },
    ...(text === undefined ? {} : { body: text }),
  });
  const payload = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (payload === '' ? undefined : JSON.parse(payload)) as Record<string, unknown> & {
      errorMessage?: string;
      statusCode?: number;
    },
  };
}

const listed = async (site: TrivoreEmulator, path: string, filter?: string) => {
  const query = `startIndex=0&count=500${filter === undefined ? '' : `&filter=${encodeURIComponent(filter)}`}`;
  return (await send(site, 'GET', `${path}?${query}`)).body.resources as (TrivoreUser & TrivoreGroup)[];
};

const newUser = (overrides: Record<string, unknown> = {}) => ({
  username: 'restored.person',
  userAccountType: 'PERSON',
  emails: [{ address: 'restored.person@example.com', verified: true }],
  name: { givenName: 'Restored', middleName: '', familyName: 'Person' },
  ...overrides,
});

describe('trivore emulator writes over HTTP', () => {
  it('creates a user with 201, a new server id and Location, keeping no server-owned field it was sent', async () => {
    const site = await emulator();
    const group = site.state.groups()[1] as TrivoreGroup;
    const created = await send(site, 'POST', '/user', {
      ...newUser(),
      id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      meta: { created: '2001-01-01T00:00:00Z' },
      mfaMethod: 'TOTP',
      password: 'Hunter2-not-logged',
      memberOf: [group.id],
      favouriteColour: 'ignored, as Spring ignores unknown fields',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(id).not.toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(created.headers.get('location')).toBe(`${site.url}/api/rest/v1/user/${id}`);
    expect(created.body).toMatchObject({
      username: 'restored.person',
      mfaMethod: 'NONE',
      memberOf: [group.id],
    });
    expect(created.body).not.toHaveProperty('password');
    expect(created.body).not.toHaveProperty('favouriteColour');
    expect((created.body.meta as { created: string }).created).not.toBe('2001-01-01T00:00:00Z');

    // The write shows in every later read: the user, the listing, and the group's members.
    expect((await send(site, 'GET', `/user/${id}`)).body).toEqual(created.body);
    expect((await listed(site, '/user')).map((user) => user.id)).toContain(id);
    expect((await listed(site, '/user', `memberOf eq "${group.id}"`)).map((user) => user.id)).toContain(id);
    expect(site.state.userCount).toBe(21);

    const [write] = site.writes();
    expect(write).toMatchObject({ method: 'POST', path: '/api/rest/v1/user', status: 201, createdId: id });
    expect(write?.body).toMatchObject({ username: 'restored.person', password: '[redacted]' });
    expect(JSON.stringify(site.requests)).not.toContain('Hunter2');
    expect(JSON.stringify(site.requests)).not.toContain(site.credentials.clientSecret);
  });

  it('answers 409 for a username or e-mail address already in use, whatever its case', async () => {
    const site = await emulator();
    const existing = site.state.users().find((user) => user.emails.length > 0) as TrivoreUser;
    const address = existing.emails[0]?.address ?? '';
    const byName = await send(site, 'POST', '/user', newUser({ username: existing.username.toUpperCase() }));
    expect(byName).toMatchObject({
      status: 409,
      body: {
        errorMessage: `Username is already in use: ${existing.username.toUpperCase()}`,
        statusCode: 409,
      },
    });
    const byEmail = await send(
      site,
      'POST',
      '/user',
      newUser({ emails: [{ address: address.toUpperCase(), verified: false }] }),
    );
    expect(byEmail.status).toBe(409);
    expect(byEmail.body.errorMessage).toBe(`Email address is already in use: ${address}`);
    expect(site.state.userCount).toBe(20);
  });

  it('refuses bad user bodies with 400 naming the field, and non-JSON with 415', async () => {
    const site = await emulator();
    const cases: [unknown, string][] = [
      [{ name: { givenName: 'No' } }, "the namespace's user policy requires a username or an e-mail address"],
      [newUser({ emails: [{ address: 'not-an-address' }] }), 'emails[0].address is not an e-mail address'],
      [newUser({ locked: 'yes' }), 'locked must be true or false'],
      [newUser({ memberOf: 'Sales' }), 'memberOf must be an array'],
      [newUser({ userAccountType: 'ROBOT' }), 'userAccountType must be PERSON or LEGAL_ENTITY'],
    ];
    for (const [body, message] of cases) {
      const answer = await send(site, 'POST', '/user', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ errorMessage: `Invalid user: ${message}`, statusCode: 400 });
    }
    expect((await send(site, 'POST', '/user', undefined, { raw: '[1,2]' })).status).toBe(400);
    expect((await send(site, 'POST', '/user', undefined, { raw: '' })).status).toBe(400);
    expect(
      (await send(site, 'POST', '/user', newUser(), { contentType: 'application/x-www-form-urlencoded' }))
        .status,
    ).toBe(415);
    expect(site.state.userCount).toBe(20);
  });

  it('generates a username from the first address when none is sent', async () => {
    const site = await emulator();
    const created = await send(site, 'POST', '/user', newUser({ username: undefined }));
    expect(created.status).toBe(201);
    expect(created.body.username).toBe('restored.person');
  });

  it('takes group names in memberOf and creates a group for a name it does not know, as documented', async () => {
    const site = await emulator();
    const group = site.state.groups()[0] as TrivoreGroup;
    const staleId = '0123456789abcdef01234567';
    const created = await send(site, 'POST', '/user', newUser({ memberOf: [group.name, staleId, group.id] }));
    expect(created.status).toBe(201);
    const memberOf = created.body.memberOf as string[];
    expect(memberOf).toHaveLength(2);
    expect(memberOf[0]).toBe(group.id);
    // A stale id looks like a name to the server: a group called after it now exists.
    const spawned = site.state.getGroup(memberOf[1] as string);
    expect(spawned?.name).toBe(staleId);
    expect(site.state.groupCount).toBe(6);
    expect(site.writes()[0]?.autoCreatedGroups).toEqual([{ id: memberOf[1], name: staleId }]);
  });

  it('replaces the whole writable user on PUT: a field left out is emptied, MFA and meta.created stay', async () => {
    const site = await emulator();
    const user = site.state.users().find((u) => u.emails.length > 0 && u.mfaMethod !== 'NONE') as TrivoreUser;
    const groups = site.state.groups().map((group) => group.id);
    // The whole object back, with one group more: nothing else changes.
    const whole = await send(site, 'PUT', `/user/${user.id}`, { ...user, memberOf: groups });
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ emails: user.emails, mfaMethod: user.mfaMethod, memberOf: groups });
    expect((await listed(site, '/user', `memberOf eq "${groups[4]}"`)).map((u) => u.id)).toContain(user.id);

    // Only memberOf: the e-mail addresses and names are gone (a partial update is a client bug).
    const partial = await send(site, 'PUT', `/user/${user.id}`, { username: user.username, memberOf: [] });
    expect(partial.status).toBe(200);
    expect(site.state.getUser(user.id)).toMatchObject({
      emails: [],
      name: { givenName: '', familyName: '' },
      memberOf: [],
      mfaMethod: user.mfaMethod,
      meta: { created: user.meta.created },
    });
  });

  it('refuses PUTs that change the id or namespace, reuse another user, or lack a username; 404 for an unknown id', async () => {
    const site = await emulator();
    const [user, other] = site.state.users() as [TrivoreUser, TrivoreUser];
    const put = (id: string, body: unknown) => send(site, 'PUT', `/user/${id}`, body);
    expect((await put(user.id, { ...user, id: other.id })).status).toBe(400);
    expect((await put(user.id, { ...user, nsCode: 'elsewhere' })).body.errorMessage).toContain(
      'migratenamespace',
    );
    expect((await put(user.id, { ...user, username: undefined })).body.errorMessage).toBe(
      'Invalid user: username is required',
    );
    expect((await put(user.id, { ...user, username: other.username })).status).toBe(409);
    const missing = await put('000000000000000000000000', user);
    expect(missing).toMatchObject({ status: 404, body: { statusCode: 404 } });
    expect(site.state.getUser(user.id)).toEqual(user);
  });

  it('creates groups with 201 and a new id, 409 for a name the namespace has, 400 for an unknown parent', async () => {
    const site = await emulator();
    const parent = site.state.groups()[0] as TrivoreGroup;
    const created = await send(site, 'POST', '/group', {
      id: 'ffffffffffffffffffffffff',
      name: 'Restored / Group',
      description: 'back again',
      memberOf: [parent.id],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).not.toBe('ffffffffffffffffffffffff');
    expect(created.headers.get('location')).toBe(`${site.url}/api/rest/v1/group/${id}`);
    expect(created.body).toMatchObject({
      name: 'Restored / Group',
      description: 'back again',
      memberOf: [parent.id],
    });
    expect((await listed(site, '/group')).map((group) => group.id)).toContain(id);
    expect(site.writes()[0]).toMatchObject({ kind: 'write', status: 201, createdId: id });

    const duplicate = await send(site, 'POST', '/group', { name: 'restored / group' });
    expect(duplicate).toMatchObject({
      status: 409,
      body: { errorMessage: 'Group name is already in use: Restored / Group', statusCode: 409 },
    });
    expect((await send(site, 'POST', '/group', { description: 'no name' })).body.errorMessage).toBe(
      'Invalid group: name is required',
    );
    expect((await send(site, 'POST', '/group', { name: 'Orphan', memberOf: ['nope'] })).status).toBe(400);
    expect(site.state.groupCount).toBe(6);
  });

  it('replaces a group on PUT, deletes with 204, and a deleted group leaves every memberOf', async () => {
    const site = await emulator();
    const group = site.state.groups()[2] as TrivoreGroup;
    const replaced = await send(site, 'PUT', `/group/${group.id}`, { name: 'Renamed' });
    expect(replaced.status).toBe(200);
    expect(site.state.getGroup(group.id)).not.toHaveProperty('description');
    expect(
      (await send(site, 'PUT', `/group/${group.id}`, { name: 'Renamed', memberOf: [group.id] })).status,
    ).toBe(400);

    const member = site.state.users().find((user) => user.memberOf.includes(group.id)) as TrivoreUser;
    const removed = await send(site, 'DELETE', `/group/${group.id}`);
    expect(removed.status).toBe(204);
    expect(removed.body).toBeUndefined();
    expect(site.state.getUser(member.id)?.memberOf).not.toContain(group.id);
    expect((await send(site, 'DELETE', `/group/${group.id}`)).status).toBe(404);
    expect((await send(site, 'DELETE', `/user/${member.id}`)).status).toBe(204);
    expect((await send(site, 'GET', `/user/${member.id}`)).status).toBe(404);
  });

  it('answers 405 with Allow for methods a path does not take', async () => {
    const site = await emulator();
    const user = site.state.users()[0] as TrivoreUser;
    for (const [method, path, allow] of [
      ['DELETE', '/user', 'GET, POST'],
      ['PUT', '/group', 'GET, POST'],
      ['POST', `/user/${user.id}`, 'GET, PUT, DELETE'],
      ['PATCH', `/user/${user.id}`, 'GET, PUT, DELETE'],
    ] as const) {
      const answer = await send(site, method, path, {});
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe(allow);
      expect(answer.body.statusCode).toBe(405);
    }
    expect(site.requestsByKind()).toEqual({ write: 4 });
  });

  it('needs credentials and the write permission, answered 403 naming it, and changes nothing then', async () => {
    const site = await emulator({ deniedPermissions: ['ACCOUNT_CREATE', 'GROUP_MODIFY'] });
    expect((await send(site, 'POST', '/user', newUser(), { authorization: null })).status).toBe(401);
    expect(await send(site, 'POST', '/user', newUser())).toMatchObject({
      status: 403,
      body: { errorMessage: 'Client does not have required permission ACCOUNT_CREATE.', statusCode: 403 },
    });
    const group = site.state.groups()[0] as TrivoreGroup;
    expect((await send(site, 'PUT', `/group/${group.id}`, { name: 'x' })).body.errorMessage).toBe(
      'Client does not have required permission GROUP_MODIFY.',
    );
    // Reading is still allowed.
    expect((await send(site, 'GET', '/user?count=1')).status).toBe(200);
    expect(site.state.userCount).toBe(20);
    expect(site.state.getGroup(group.id)).toEqual(group);
  });

  it('applies the shared faults to writes only when scoped to route kind write', async () => {
    const site = await emulator({ faults: { serverErrors: { route: 'write', count: 1, status: 503 } } });
    expect((await send(site, 'GET', '/user?count=1')).status).toBe(200);
    const failed = await send(site, 'POST', '/group', { name: 'Second try' });
    expect(failed).toMatchObject({ status: 503, body: { statusCode: 503 } });
    expect(site.state.groupCount).toBe(5);
    expect((await send(site, 'POST', '/group', { name: 'Second try' })).status).toBe(201);
    expect(site.writes().map((write) => [write.status, write.fault])).toEqual([
      [503, 'serverErrors'],
      [201, undefined],
    ]);
  });
});
