import { afterEach, describe, expect, it } from 'vitest';
import {
  API_ROOT,
  type LumAppsEmulator,
  type LumAppsEmulatorOptions,
  startLumAppsEmulator,
} from '../../dev/emulators/lumapps/index.ts';

const running: LumAppsEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function start(options: LumAppsEmulatorOptions = {}): Promise<LumAppsEmulator> {
  const site = await startLumAppsEmulator({
    users: 40,
    feeds: 5,
    hiddenUsers: 3,
    disabledUsers: 3,
    ...options,
  });
  running.push(site);
  return site;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function requestToken(
  site: LumAppsEmulator,
  overrides: { organizationId?: string; authorization?: string | null; form?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const authorization =
    overrides.authorization === undefined ? basic(site.clientId, site.clientSecret) : overrides.authorization;
  if (authorization !== null) headers.authorization = authorization;
  const form = overrides.form ?? { grant_type: 'client_credentials', user_email: site.adminEmail };
  return fetch(
    `${site.url}/v2/organizations/${overrides.organizationId ?? site.organizationId}/application-token`,
    {
      method: 'POST',
      headers,
      body: new URLSearchParams(form).toString(),
    },
  );
}

async function token(site: LumAppsEmulator): Promise<string> {
  return ((await (await requestToken(site)).json()) as { access_token: string }).access_token;
}

interface Page {
  items?: {
    id: string;
    isHidden?: boolean;
    status?: string;
    subscriptions: { feed: string; status: string }[];
  }[];
  cursor?: string;
  more: boolean;
  callId?: string;
}

async function api(
  site: LumAppsEmulator,
  route: string,
  bearer?: string,
): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${site.url}${API_ROOT}${route}`, {
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function walk(site: LumAppsEmulator, bearer: string, route: string, params: string): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await api(site, `${route}?${params}${cursor ? `&cursor=${cursor}` : ''}`, bearer);
    expect(page.status).toBe(200);
    pages.push(page.body);
    if (!page.body.more) return pages;
    cursor = page.body.cursor;
  }
}

/** Whatever a route answers: a page, a user, or an error envelope. */
type Body = Page & { id?: string; email?: string; error?: { code: number; message: string } };

const ids = (pages: Page[]) => pages.flatMap((page) => (page.items ?? []).map((item) => item.id));

describe('lumapps emulator: application token', () => {
  it('issues {access_token, expires_in} for the client acting as the admin', async () => {
    const site = await start({ tokenTtlSeconds: 1800 });
    const response = await requestToken(site);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in']);
    expect(body.expires_in).toBe(1800);
    expect(site.tokensIssued).toBe(1);
  });

  it('refuses a bad client (401), a wrong organization (401), a bad grant (400) and a non-admin (403)', async () => {
    const site = await start();
    const member = site.state.users().find((user) => !user.isSuperAdmin)?.email ?? '';
    const cases: [Parameters<typeof requestToken>[1], number, string][] = [
      [{ authorization: null }, 401, 'invalid_client'],
      [{ authorization: basic(site.clientId, 'wrong') }, 401, 'invalid_client'],
      [{ organizationId: '1234' }, 401, 'invalid_client'],
      [{ form: { grant_type: 'password', user_email: site.adminEmail } }, 400, 'unsupported_grant_type'],
      [{ form: { grant_type: 'client_credentials' } }, 400, 'invalid_request'],
      [
        { form: { grant_type: 'client_credentials', user_email: 'nobody@example.com' } },
        403,
        'access_denied',
      ],
      [{ form: { grant_type: 'client_credentials', user_email: member } }, 403, 'access_denied'],
    ];
    for (const [overrides, status, error] of cases) {
      const response = await requestToken(site, overrides);
      expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([
        status,
        error,
      ]);
    }
    expect(site.tokensIssued).toBe(0);
  });

  it('answers 401 with the Endpoints envelope for a missing, unknown or expired token', async () => {
    const site = await start();
    const missing = await api(site, 'user/list');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      error: {
        code: 401,
        message: 'Login Required.',
        errors: [{ domain: 'global', reason: 'required', message: 'Login Required.' }],
      },
    });
    expect((await api(site, 'user/list', 'made-up')).status).toBe(401);
    const live = await token(site);
    expect((await api(site, 'user/list', live)).status).toBe(200);
    site.expireTokens();
    expect((await api(site, 'user/list', live)).status).toBe(401);
    const short = await start({ tokenTtlSeconds: 0 });
    expect((await api(short, 'user/list', await token(short))).status).toBe(401);
  });
});

describe('lumapps emulator: user/list', () => {
  it('pages 30 by default, clamps maxResults to 100 and refuses a non-positive one', async () => {
    const site = await start({ users: 250 });
    const bearer = await token(site);
    expect((await api(site, 'user/list', bearer)).body.items).toHaveLength(30);
    expect((await api(site, 'user/list?maxResults=500', bearer)).body.items).toHaveLength(100);
    expect((await api(site, 'user/list?maxResults=0', bearer)).status).toBe(400);
    expect((await api(site, 'user/list?maxResults=ten', bearer)).status).toBe(400);
  });

  it('leaves hidden users out unless showHidden=true; without status both enabled and disabled come back', async () => {
    const site = await start();
    const bearer = await token(site);
    const all = site.state.users();
    const visible = all.filter((user) => user.isHidden !== true).map((user) => user.id);
    expect(ids(await walk(site, bearer, 'user/list', 'maxResults=7'))).toEqual(visible);
    expect(ids(await walk(site, bearer, 'user/list', 'maxResults=7&showHidden=true'))).toEqual(
      all.map((u) => u.id),
    );
    const disabled = all.filter((user) => user.status === 'disabled').map((user) => user.id);
    expect(ids(await walk(site, bearer, 'user/list', 'showHidden=true&status=disabled'))).toEqual(disabled);
    expect(ids(await walk(site, bearer, 'user/list', 'showHidden=true&status=enabled'))).toHaveLength(
      all.length - disabled.length,
    );
    expect((await api(site, 'user/list?status=blocked', bearer)).status).toBe(400);
    expect((await api(site, 'user/list?showHidden=yes', bearer)).status).toBe(400);
  });

  it('restricts to the LIVE members of the feeds named, and answers an empty result with only {"more": false}', async () => {
    const site = await start({ users: 80 });
    const bearer = await token(site);
    const [first, second] = site.state.feeds();
    const members = new Set([
      ...site.state.membersOf(first?.id ?? ''),
      ...site.state.membersOf(second?.id ?? ''),
    ]);
    const listed = ids(
      await walk(site, bearer, 'user/list', `showHidden=true&feeds=${first?.id}&feeds=${second?.id}`),
    );
    expect(new Set(listed)).toEqual(members);
    expect(await api(site, 'user/list?feeds=0000000000000000', bearer)).toEqual({
      status: 200,
      body: { more: false },
    });
  });

  it('says more:false on an exactly full last page, still with a cursor, and never sends an empty page after it', async () => {
    const site = await start({ users: 20, hiddenUsers: 0, disabledUsers: 0 });
    const pages = await walk(site, await token(site), 'user/list', 'maxResults=10');
    expect(
      pages.map((page) => [page.items?.length, page.more, typeof page.cursor, typeof page.callId]),
    ).toEqual([
      [10, true, 'string', 'string'],
      [10, false, 'string', 'string'],
    ]);
  });

  it('binds a cursor to its query: other filters or a garbled cursor are a 400', async () => {
    const site = await start();
    const bearer = await token(site);
    const { cursor } = (await api(site, 'user/list?showHidden=true&maxResults=5', bearer)).body as Page;
    expect((await api(site, `user/list?showHidden=true&maxResults=9&cursor=${cursor}`, bearer)).status).toBe(
      200,
    );
    const replayed = await api(site, `user/list?maxResults=5&cursor=${cursor}`, bearer);
    expect(replayed.status).toBe(400);
    expect(replayed.body.error?.message).toMatch(/does not belong to this query/);
    expect((await api(site, 'user/list?cursor=garbage', bearer)).status).toBe(400);
  });

  it('honours fields= partial responses', async () => {
    const site = await start();
    const page = await api(site, 'user/list?fields=items(id),more', await token(site));
    expect(Object.keys(page.body).sort()).toEqual(['items', 'more']);
    for (const item of page.body.items ?? []) expect(Object.keys(item)).toEqual(['id']);
  });
});

describe('lumapps emulator: user/get and feed/list', () => {
  it('answers the token user when no email or uid is given, and 404 for an unknown one', async () => {
    const site = await start();
    const bearer = await token(site);
    expect((await api(site, 'user/get', bearer)).body.email).toBe(site.adminEmail);
    expect((await api(site, 'user/get?email=', bearer)).body.email).toBe(site.adminEmail);
    const someone = site.state.users()[5];
    expect((await api(site, `user/get?uid=${someone?.id}`, bearer)).body).toEqual(someone);
    expect((await api(site, `user/get?email=${someone?.email.toUpperCase()}`, bearer)).body.id).toBe(
      someone?.id,
    );
    expect((await api(site, 'user/get?email=nobody@example.com', bearer)).status).toBe(404);
  });

  it('pages feeds with the last page leaving the cursor out', async () => {
    const site = await start({ feeds: 12 });
    const pages = await walk(site, await token(site), 'feed/list', 'maxResults=5');
    expect(pages.map((page) => [page.items?.length, page.more, page.cursor === undefined])).toEqual([
      [5, true, false],
      [5, true, false],
      [2, false, true],
    ]);
    expect(ids(pages)).toEqual(site.state.feeds().map((feed) => feed.id));
  });

  it('answers an unknown route with a 404 envelope', async () => {
    const site = await start();
    const response = await api(site, 'user/delete', await token(site));
    expect(response).toMatchObject({ status: 404, body: { error: { code: 404 } } });
  });
});

describe('lumapps emulator: faults', () => {
  it('emptyMore blanks listing page K: more:true, a cursor past its records, no items', async () => {
    const site = await start({
      users: 30,
      hiddenUsers: 0,
      disabledUsers: 0,
      faults: { emptyMore: { page: 2 } },
    });
    const bearer = await token(site);
    const pages = await walk(site, bearer, 'user/list', 'maxResults=10');
    expect(pages[1]).toEqual({ cursor: expect.any(String), more: true, callId: expect.any(String) });
    // Carrying on loses the blanked page's ten users without a sign.
    expect(ids(pages)).toHaveLength(20);
    site.setFaults({});
    expect(ids(await walk(site, bearer, 'user/list', 'maxResults=10'))).toHaveLength(30);
  });

  it('logs each request with its route kind and never the token', async () => {
    const site = await start({ faults: { serverErrors: { route: 'groups-list', count: 1, status: 503 } } });
    const bearer = await token(site);
    await api(site, 'user/get', bearer);
    const failed = await api(site, 'feed/list', bearer);
    expect(failed).toMatchObject({
      status: 503,
      body: { error: { code: 503, errors: [{ reason: 'backendError' }] } },
    });
    expect(site.requests.map((request) => [request.kind, request.status])).toEqual([
      ['token', 200],
      ['user-detail', 200],
      ['groups-list', 503],
    ]);
    expect(JSON.stringify(site.requests)).not.toContain(bearer);
  });

  it('drifts: users join across the id range and leave, never the admin', async () => {
    const site = await start({ users: 60, faults: { drift: { afterPage: 1, add: 5, remove: 50 } } });
    const before = site.state.userCount;
    await api(site, 'user/list', await token(site));
    expect(site.state.userCount).toBe(before + 5 - 50);
    expect(site.state.users().some((user) => user.email === site.adminEmail)).toBe(true);
  });
});

/** A write as a client sends it: JSON body, bearer token. */
async function send(
  site: LumAppsEmulator,
  method: 'POST' | 'DELETE',
  route: string,
  bearer: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(`${site.url}${API_ROOT}${route}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

const errorOf = (answer: { body: Record<string, unknown> | undefined }) =>
  (answer.body?.error as { code: number; message: string; errors: { reason: string }[] } | undefined) ?? {
    code: 0,
    message: '',
    errors: [],
  };

const newcomer = {
  email: 'New.Comer@restore.example',
  firstName: 'New',
  lastName: 'Comer',
  accountType: 'external',
};

describe('lumapps emulator: user/save', () => {
  it('creates an external user with a new id, enabled and visible, that user/list and user/get then return', async () => {
    const site = await start();
    const bearer = await token(site);
    const before = site.state.userCount;
    const created = await send(site, 'POST', 'user/save', bearer, newcomer);
    expect(created.status).toBe(200);
    const id = created.body?.id as string;
    expect(id).toMatch(/^\d{16}$/);
    expect(site.state.getUser(id)?.email).toBe(newcomer.email);
    expect(created.body).toMatchObject({
      id,
      uid: id,
      email: newcomer.email,
      firstName: 'New',
      lastName: 'Comer',
      fullName: 'New Comer',
      accountType: 'external',
      status: 'enabled',
      isHidden: false,
      customer: site.organizationId,
      isSuperAdmin: false,
      subscriptions: [],
      changePasswordAtNextLogin: false,
    });
    expect(created.body?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
    expect(site.state.userCount).toBe(before + 1);
    expect(ids(await walk(site, bearer, 'user/list', 'showHidden=true&maxResults=100'))).toContain(id);
    expect((await api(site, 'user/get?email=new.comer@restore.example', bearer)).body.id).toBe(id);
    expect(site.state.userByEmail('NEW.COMER@restore.example')?.id).toBe(id);
  });

  it('refuses a create without email, names or accountType, a non-external one, a bad password pair, and an existing email (409)', async () => {
    const site = await start();
    const bearer = await token(site);
    const existing = site.state.users()[3]?.email ?? '';
    const cases: [unknown, number, RegExp][] = [
      [{ ...newcomer, email: undefined }, 400, /^email is required/],
      [{ ...newcomer, email: 'not-an-address' }, 400, /Invalid email/],
      [{ ...newcomer, firstName: '  ' }, 400, /^firstName is required/],
      [{ ...newcomer, lastName: null }, 400, /^lastName is required/],
      [{ ...newcomer, accountType: undefined }, 400, /^accountType is required/],
      [{ ...newcomer, accountType: 'google' }, 400, /must be "external"/],
      [{ ...newcomer, isHidden: 'yes' }, 400, /boolean for field isHidden/],
      [{ ...newcomer, status: 'blocked' }, 400, /field status/],
      [{ ...newcomer, password: 'x-1234567', rePassword: 'y-1234567' }, 400, /do not match/],
      ['[1, 2]', 400, /must be a JSON object/],
      ['{"email":', 400, /must be a JSON object/],
      [{ ...newcomer, email: existing.toUpperCase() }, 409, /already exists/],
    ];
    const before = site.state.userCount;
    for (const [body, status, message] of cases) {
      const answer = await send(site, 'POST', 'user/save', bearer, body);
      expect([answer.status, errorOf(answer).code]).toEqual([status, status]);
      expect(errorOf(answer).message).toMatch(message);
    }
    expect(errorOf(await send(site, 'POST', 'user/save', bearer, cases.at(-1)?.[0])).errors[0]?.reason).toBe(
      'conflict',
    );
    expect(site.state.userCount).toBe(before);
  });

  it('never keeps or answers a password', async () => {
    const site = await start();
    const bearer = await token(site);
    const secret = 'Pa55word-never-kept';
    const created = await send(site, 'POST', 'user/save', bearer, {
      ...newcomer,
      password: secret,
      rePassword: secret,
    });
    expect(created.status).toBe(200);
    expect(created.body?.changePasswordAtNextLogin).toBe(true);
    expect(JSON.stringify(created.body)).not.toContain(secret);
    expect(JSON.stringify(site.state.users())).not.toContain(secret);
    expect(JSON.stringify(site.requests)).not.toContain(secret);
    expect(site.writes[0]?.write.fields).toEqual([
      'accountType',
      'email',
      'firstName',
      'lastName',
      'password',
      'rePassword',
    ]);
  });

  it('updates firstName, lastName, status and isHidden from the whole object, and nothing else', async () => {
    const site = await start();
    const bearer = await token(site);
    const target = site.state.users().find((user) => user.status === 'disabled');
    expect(target).toBeDefined();
    const fetched = (await api(site, `user/get?uid=${target?.id}`, bearer)).body as unknown as Record<
      string,
      unknown
    >;
    const saved = await send(site, 'POST', 'user/save', bearer, {
      ...fetched,
      firstName: 'Renée',
      status: 'enabled',
      isHidden: false,
      // Read-only or managed elsewhere: ignored.
      accountType: 'external',
      isSuperAdmin: true,
      subscriptions: [{ feed: site.state.feeds()[0]?.id, status: 'LIVE' }],
    });
    expect(saved.status).toBe(200);
    const after = site.state.getUser(target?.id ?? '');
    expect(after).toMatchObject({
      firstName: 'Renée',
      lastName: target?.lastName,
      fullName: `Renée ${target?.lastName}`,
      status: 'enabled',
      isHidden: false,
      accountType: target?.accountType,
      isSuperAdmin: target?.isSuperAdmin,
      subscriptions: target?.subscriptions,
      createdAt: target?.createdAt,
    });
    expect(after?.updatedAt).not.toBe(target?.updatedAt);
    expect(saved.body).toEqual(after);
    const enabled = ids(await walk(site, bearer, 'user/list', 'showHidden=true&status=enabled'));
    expect(enabled).toContain(target?.id);
  });

  it('refuses an update of an unknown id (404), a partial object without email, a changed email and a bad status', async () => {
    const site = await start();
    const bearer = await token(site);
    const user = site.state.users()[2];
    const whole = { id: user?.id, email: user?.email };
    const cases: [unknown, number, RegExp][] = [
      [{ ...whole, id: '4999999999999999' }, 404, /User not found/],
      [{ id: user?.id, status: 'enabled' }, 400, /^email is required/],
      [{ ...whole, email: 'someone.else@example.com' }, 400, /cannot be changed/],
      [{ ...whole, status: 'deleted' }, 400, /field status/],
      [{ ...whole, firstName: '' }, 400, /firstName must not be empty/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await send(site, 'POST', 'user/save', bearer, body);
      expect([answer.status, errorOf(answer).message]).toEqual([status, expect.stringMatching(message)]);
    }
    expect(site.state.getUser(user?.id ?? '')).toEqual(user);
  });
});

describe('lumapps emulator: feed/save, feed/subscribers/save, feed/delete', () => {
  it('creates a feed with a new id that feed/list returns, and updates a name', async () => {
    const site = await start();
    const bearer = await token(site);
    const model = site.state.feeds()[1];
    const created = await send(site, 'POST', 'feed/save', bearer, {
      name: 'Restored & re-created',
      type: model?.type,
      instance: 'instance-1',
      heritable: true,
    });
    expect(created.status).toBe(200);
    const id = created.body?.id as string;
    expect(site.state.feeds().map((feed) => feed.id)).toContain(id);
    expect(created.body).toEqual({
      id,
      uid: id,
      name: 'Restored & re-created',
      type: model?.type,
      customer: site.organizationId,
      instance: 'instance-1',
      status: 'enabled',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      heritable: true,
      synchronized: false,
    });
    expect(ids(await walk(site, bearer, 'feed/list', 'maxResults=3'))).toContain(id);
    expect(site.state.membersOf(id)).toEqual([]);

    const renamed = await send(site, 'POST', 'feed/save', bearer, { ...created.body, name: 'Renamed' });
    expect([renamed.status, renamed.body?.id, site.state.getFeed(id)?.name]).toEqual([200, id, 'Renamed']);
  });

  it('re-creates a deleted feed with a NEW id, and links an identity-provider group without filling it', async () => {
    const site = await start();
    const bearer = await token(site);
    const old = site.state.feeds()[0];
    expect(await send(site, 'DELETE', `feed/delete?uid=${old?.id}`, bearer)).toEqual({
      status: 204,
      body: undefined,
    });
    expect(site.state.getFeed(old?.id ?? '')).toBeUndefined();
    expect(site.state.users().some((user) => user.subscriptions.some((s) => s.feed === old?.id))).toBe(false);
    const again = await send(site, 'POST', 'feed/save', bearer, {
      name: old?.name,
      type: old?.type,
      group: 'all-staff@rollcall-demo.example',
      identityProvider: 'google',
    });
    expect(again.status).toBe(200);
    expect(again.body?.id).not.toBe(old?.id);
    expect(again.body).toMatchObject({ synchronized: true, group: 'all-staff@rollcall-demo.example' });
    expect(site.state.membersOf(again.body?.id as string)).toEqual([]);
    expect(site.state.feedsNamed(old?.name ?? '')).toHaveLength(1);
    expect((await send(site, 'DELETE', `feed/delete?uid=${old?.id}`, bearer)).status).toBe(404);
  });

  it('refuses a feed without name or type, an unknown id (404), bad field types and another customer (403)', async () => {
    const site = await start();
    const bearer = await token(site);
    const type = site.state.feeds()[0]?.type;
    const cases: [unknown, number, RegExp][] = [
      [{ type }, 400, /^name is required/],
      [{ name: 'No type' }, 400, /^type is required/],
      [{ name: 'X', type, heritable: 'yes' }, 400, /boolean for field heritable/],
      [{ name: 'X', type, identityProvider: 'okta', group: 'g@x.example' }, 400, /identityProvider/],
      [{ name: 'X', type, customer: '1234' }, 403, /another customer/],
      [{ id: '4999999999999999', name: 'X' }, 404, /Feed not found/],
    ];
    const before = site.state.feedCount;
    for (const [body, status, message] of cases) {
      const answer = await send(site, 'POST', 'feed/save', bearer, body);
      expect([answer.status, errorOf(answer).message]).toEqual([status, expect.stringMatching(message)]);
    }
    expect(site.state.feedCount).toBe(before);
  });

  it('adds members by e-mail or id (idempotently, reviving a withdrawn one), removes them, and user/list?feeds= sees it', async () => {
    const site = await start({ users: 60 });
    const bearer = await token(site);
    const feed = site.state.feeds()[2]?.id ?? '';
    const outsiders = site.state.users().filter((user) => !site.state.membersOf(feed).includes(user.id));
    const [byEmail, byId] = outsiders;
    const withdrawn = site.state
      .users()
      .find((user) => user.subscriptions.some((s) => s.status === 'DELETED'));
    const withdrawnFeed = withdrawn?.subscriptions.find((s) => s.status === 'DELETED')?.feed ?? '';
    const body = { feed, addedUsers: [byEmail?.email.toUpperCase(), byId?.id], removedUsers: [] };
    expect(await send(site, 'POST', 'feed/subscribers/save', bearer, body)).toEqual({
      status: 204,
      body: undefined,
    });
    expect(await send(site, 'POST', 'feed/subscribers/save', bearer, body)).toMatchObject({ status: 204 });
    expect(site.state.feedsOf(byEmail?.id ?? '')).toContain(feed);
    expect(site.state.getUser(byId?.id ?? '')?.subscriptions.filter((s) => s.feed === feed)).toEqual([
      {
        id: expect.stringMatching(/^\d{16}$/),
        feed,
        level: 'MEMBER',
        status: 'LIVE',
        createdAt: expect.any(String),
      },
    ]);
    const members = ids(await walk(site, bearer, 'user/list', `showHidden=true&feeds=${feed}`));
    expect(members).toEqual(expect.arrayContaining([byEmail?.id, byId?.id]));

    await send(site, 'POST', 'feed/subscribers/save', bearer, {
      feed: withdrawnFeed,
      addedUsers: [withdrawn?.id],
    });
    expect(site.state.membersOf(withdrawnFeed)).toContain(withdrawn?.id);

    await send(site, 'POST', 'feed/subscribers/save', bearer, { feed, removedUsers: [byId?.email] });
    expect(site.state.membersOf(feed)).not.toContain(byId?.id);
    expect(site.state.getUser(byId?.id ?? '')?.subscriptions.find((s) => s.feed === feed)?.status).toBe(
      'DELETED',
    );
  });

  it('refuses subscribers for an unknown feed (404), unknown users or one in both lists (400), all or nothing', async () => {
    const site = await start();
    const bearer = await token(site);
    const feed = site.state.feeds()[1]?.id ?? '';
    const before = site.state.membersOf(feed);
    const someone = site.state.users().find((user) => !before.includes(user.id));
    const cases: [unknown, number, RegExp][] = [
      [{ addedUsers: [someone?.id] }, 400, /^feed is required/],
      [{ feed: '4999999999999999', addedUsers: [someone?.id] }, 404, /Feed not found/],
      [{ feed, addedUsers: [someone?.id, 'nobody@example.com'] }, 400, /Unknown user: "nobody@example.com"/],
      [{ feed, addedUsers: [someone?.id], removedUsers: [someone?.email] }, 400, /both in addedUsers/],
      [{ feed, addedUsers: someone?.id }, 400, /list of strings for field addedUsers/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await send(site, 'POST', 'feed/subscribers/save', bearer, body);
      expect([answer.status, errorOf(answer).message]).toEqual([status, expect.stringMatching(message)]);
    }
    expect(site.state.membersOf(feed)).toEqual(before);
  });
});

describe('lumapps emulator: writes, auth, faults and the log', () => {
  it('has no user delete, and answers other methods on write routes with 404', async () => {
    const site = await start();
    const bearer = await token(site);
    const user = site.state.users()[1]?.id;
    for (const [method, route] of [
      ['DELETE', `user/delete?uid=${user}`],
      ['POST', `user/delete?uid=${user}`],
      ['DELETE', `user/save?uid=${user}`],
      ['POST', 'feed/delete'],
    ] as const) {
      expect((await send(site, method, route, bearer)).status).toBe(404);
    }
    expect((await api(site, 'user/save', bearer)).status).toBe(404);
    expect(site.state.getUser(user ?? '')).toBeDefined();
  });

  it('needs a live bearer token on every write', async () => {
    const site = await start();
    const before = site.state.userCount;
    const missing = await send(site, 'POST', 'user/save', undefined, newcomer);
    expect([missing.status, errorOf(missing).message]).toEqual([401, 'Login Required.']);
    expect((await send(site, 'POST', 'feed/save', 'made-up', { name: 'X', type: '1' })).status).toBe(401);
    expect(site.state.userCount).toBe(before);
  });

  it('logs writes as kind "write" with a body summary, and the shared faults target them', async () => {
    const site = await start({ faults: { serverErrors: { route: 'write', count: 1, status: 503 } } });
    const bearer = await token(site);
    const failed = await send(site, 'POST', 'user/save', bearer, newcomer);
    expect([failed.status, errorOf(failed).errors[0]?.reason]).toEqual([503, 'backendError']);
    expect(site.state.userByEmail(newcomer.email)).toBeUndefined();
    const created = await send(site, 'POST', 'user/save', bearer, newcomer);
    expect(created.status).toBe(200);
    const feed = site.state.feeds()[0]?.id ?? '';
    await send(site, 'POST', 'feed/subscribers/save', bearer, { feed, addedUsers: [newcomer.email] });
    await api(site, 'user/list', bearer);
    expect(site.requests.map((request) => request.kind)).toEqual([
      'token',
      'write',
      'write',
      'write',
      'users-list',
    ]);
    expect(
      site.writes.map((request) => [request.method, request.status, request.fault, request.write]),
    ).toEqual([
      [
        'POST',
        503,
        'serverErrors',
        {
          route: 'user/save',
          action: 'create',
          fields: ['accountType', 'email', 'firstName', 'lastName'],
          email: newcomer.email,
        },
      ],
      [
        'POST',
        200,
        undefined,
        {
          route: 'user/save',
          action: 'create',
          fields: ['accountType', 'email', 'firstName', 'lastName'],
          email: newcomer.email,
        },
      ],
      [
        'POST',
        204,
        undefined,
        {
          route: 'feed/subscribers/save',
          fields: ['addedUsers', 'feed'],
          feed,
          addedUsers: [newcomer.email],
        },
      ],
    ]);
    expect(JSON.stringify(site.requests)).not.toContain(bearer);
  });

  it('rate-limits writes alone when the fault says route "write"', async () => {
    const site = await start({ faults: { rateLimit: { route: 'write', count: 1, retryAfterSeconds: 0 } } });
    const bearer = await token(site);
    expect((await api(site, 'user/list', bearer)).status).toBe(200);
    const limited = await send(site, 'POST', 'feed/save', bearer, { name: 'X', type: '1' });
    expect([limited.status, errorOf(limited).errors[0]?.reason]).toEqual([429, 'rateLimitExceeded']);
    expect((await send(site, 'POST', 'feed/save', bearer, { name: 'X', type: '1' })).status).toBe(200);
  });
});
