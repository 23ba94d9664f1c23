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
