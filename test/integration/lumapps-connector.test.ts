import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  API_ROOT,
  type LumAppsEmulator,
  type LumAppsEmulatorOptions,
  type LumAppsUser,
  startLumAppsEmulator,
} from '../../dev/emulators/lumapps/index.ts';
import type { LiveSite } from '../../functions/export/read-live-site.ts';
import { readLiveSite } from '../../functions/export/read-live-site.ts';
import { lumapps } from '../../functions/providers/lumapps/adapter.ts';
import { compareKeys } from '../../functions/shared/model.ts';
import { connectForTest, siteErrorOf } from '../support/connect.ts';

const running: LumAppsEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: LumAppsEmulatorOptions = {}): Promise<LumAppsEmulator> {
  const started = await startLumAppsEmulator({
    users: 150,
    feeds: 8,
    hiddenUsers: 4,
    disabledUsers: 5,
    ...options,
  });
  running.push(started);
  return started;
}

function connect(
  site: LumAppsEmulator,
  overrides: { clientSecret?: string; userEmail?: string; fetch?: typeof fetch } = {},
) {
  const credentials = {
    ...site.credentials,
    ...(overrides.clientSecret === undefined ? {} : { clientSecret: overrides.clientSecret }),
    ...(overrides.userEmail === undefined ? {} : { userEmail: overrides.userEmail }),
  };
  return connectForTest(lumapps, {
    baseUrl: site.url,
    credentials: lumapps.credentialsSchema.parse(credentials),
    ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
  });
}

const siteError = siteErrorOf;

/** The ground truth, mapped by hand (independently of the connector's mapping). */
function expectedKeys(site: LumAppsEmulator) {
  return site.state
    .users()
    .map((user) => user.id)
    .sort(compareKeys);
}

function expectMatchesGroundTruth(result: LiveSite, site: LumAppsEmulator): void {
  const users = site.state.users();
  expect(result.users.map((user) => user.key)).toEqual(expectedKeys(site));
  const byId = new Map(users.map((user) => [user.id, user]));
  for (const user of result.users) {
    const truth = byId.get(user.key) as LumAppsUser;
    expect(user.raw).toEqual(truth);
    expect(user.status).toBe(truth.status === 'disabled' ? 'disabled' : 'active');
    expect(user.createdAt).toBe(new Date(`${truth.createdAt}Z`).toISOString());
  }
  expect(result.groups.map((group) => [group.key, group.name])).toEqual(
    site.state
      .feeds()
      .map((feed) => [feed.id, feed.name])
      .sort((a, b) => compareKeys(a[0] as string, b[0] as string)),
  );
  for (const group of result.groups) expect(group.memberCount).toBe(site.state.membersOf(group.key).length);
}

const usersListRequests = (site: LumAppsEmulator) =>
  site.requests.filter((request) => request.kind === 'users-list' && request.query.fields === undefined);

/** A token of the emulator's admin, for raw requests. */
async function rawToken(site: LumAppsEmulator): Promise<string> {
  const response = await fetch(`${site.url}/v2/organizations/${site.organizationId}/application-token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${site.clientId}:${site.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', user_email: site.adminEmail }).toString(),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Every user id a plain `user/list` walk returns for these parameters. */
async function rawIds(site: LumAppsEmulator, params: Record<string, string>): Promise<string[]> {
  const token = await rawToken(site);
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ ...params, maxResults: '100', ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${site.url}${API_ROOT}user/list?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page = (await response.json()) as { items?: { id: string }[]; more: boolean; cursor?: string };
    ids.push(...(page.items ?? []).map((item) => item.id));
    if (!page.more) return ids;
    cursor = page.cursor;
  }
}

describe('lumapps connector against the emulator', () => {
  it('declares its capabilities: status and created date, no last login, MFA or password date', () => {
    expect(lumapps.id).toBe('lumapps');
    expect(lumapps.capabilities).toEqual({
      lastLogin: false,
      mfa: false,
      passwordUpdated: false,
      createdAt: true,
      status: true,
      privilege: expect.objectContaining({ userFlag: true, groupFlag: false, groupNames: [] }),
    });
  });

  it('checks credentials without echoing a secret in its messages', () => {
    const secret = 'abc def-very-secret';
    const result = lumapps.credentialsSchema.safeParse({
      organizationId: '1',
      clientId: 'c',
      clientSecret: secret,
      userEmail: 'a@b.c',
      extra: secret,
    });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues.map((issue) => issue.message))).not.toContain('very-secret');
  });

  it('exports every user, hidden and disabled ones included, equal to the ground truth', async () => {
    const site = await emulator({ seed: 3 });
    const progress: [string, number, number | null][] = [];
    const result = await readLiveSite(connect(site), {
      observer: { page: (...args) => progress.push(args) },
    });

    expectMatchesGroundTruth(result, site);
    expect(result.users).toHaveLength(159);
    expect(result.users.filter((user) => user.status === 'disabled')).toHaveLength(5);
    expect(result.users.filter((user) => (user.raw as LumAppsUser).isHidden === true)).toHaveLength(4 + 1);
    expect(result.listings.users).toEqual({
      pages: 2,
      reportedTotal: null,
      uniqueRecords: 159,
      duplicatesDropped: 0,
      retries: 0,
      complete: true,
    });
    expect(result.listings.usersCheck).toMatchObject({ complete: true, uniqueRecords: 159 });
    expect(result.listings.usersCheck?.warnings).toBeUndefined();
    expect(result.listings.groups).toMatchObject({ complete: true, uniqueRecords: 8, reportedTotal: null });
    // Every page asks the same query: hidden users included, 100 a page, no status filter.
    for (const request of usersListRequests(site)) {
      expect(request.query).toMatchObject({ showHidden: 'true', maxResults: '100' });
      expect(request.query).not.toHaveProperty('status');
    }
    expect(progress.filter(([listing]) => listing === 'users').at(-1)).toEqual(['users', 159, null]);
  });

  it('would come out short without showHidden: the emulator hides hidden users from a plain listing', async () => {
    const site = await emulator({ seed: 4 });
    const result = await readLiveSite(connect(site));
    const hiddenIds = site.state
      .users()
      .filter((user) => user.isHidden === true)
      .map((user) => user.id);
    expect(hiddenIds.length).toBeGreaterThan(0);
    const plain = await rawIds(site, {});
    expect(plain).toHaveLength(site.state.userCount - hiddenIds.length);
    for (const id of hiddenIds) expect(plain).not.toContain(id);
    expect(result.users.map((user) => user.key)).toEqual(expect.arrayContaining(hiddenIds));
    expect(result.users).toHaveLength(site.state.userCount);
  });

  it('renews the token once when it expires mid-listing and carries on', async () => {
    const site = await emulator({ users: 450, seed: 5 });
    let expired = false;
    const result = await readLiveSite(connect(site), {
      observer: {
        page: (listing) => {
          if (listing === 'users' && !expired) {
            expired = true;
            site.expireTokens();
          }
        },
      },
    });
    expectMatchesGroundTruth(result, site);
    for (const report of Object.values(result.listings)) expect(report.complete).toBe(true);
    expect(site.tokensIssued).toBe(2);
    const refused = site.requests.filter((request) => request.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    const retries = Object.values(result.listings).reduce((sum, report) => sum + report.retries, 0);
    expect(retries).toBe(refused.length);
  });

  it("fails with 'auth' when a freshly issued token is refused too, renewing only once", async () => {
    const site = await emulator({ users: 20, tokenTtlSeconds: 0 });
    const error = await siteError(readLiveSite(connect(site)));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(
      /^LumApps organization "4664706704080896": the API refused a freshly issued token \(401/,
    );
    expect(site.tokensIssued).toBe(2);
  });

  it("fails with 'auth', naming the organization and never the secret, when the client secret is wrong", async () => {
    const site = await emulator({ users: 5 });
    const wrong = `${site.clientSecret}-revoked`;
    const error = await siteError(readLiveSite(connect(site, { clientSecret: wrong })));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(
      /^LumApps organization "4664706704080896": the token endpoint rejected the OAuth client \(401/,
    );
    const printed = inspect(error, { depth: 10 });
    for (const secret of lumapps.secretsOf({ ...site.credentials, clientSecret: wrong })) {
      expect(printed).not.toContain(secret);
    }
    expect(site.requests.map((request) => request.kind)).toEqual(['token']);
    await expect(connect(site, { clientSecret: wrong }).verify()).rejects.toMatchObject({ kind: 'auth' });
  });

  it("fails with 'auth' when the user to act as is not an administrator", async () => {
    const site = await emulator({ users: 30, seed: 6 });
    const member = site.state.users().find((user) => !user.isSuperAdmin) as LumAppsUser;
    const error = await siteError(readLiveSite(connect(site, { userEmail: member.email })));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('(403, "access_denied")');
    expect(error.message).toContain('enabled administrator');
  });

  it('never lets the bearer token reach an error, even from a garbled token response', async () => {
    const site = await emulator({ users: 5 });
    const token = 'lat.ThisIsTheBearerTokenItself';
    const garbled: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (!url.pathname.endsWith('/application-token')) return fetch(input, init);
      return new Response(`{"access_token":"${token}","expires_in":3600}}`, { status: 200 });
    };
    const error = await siteError(readLiveSite(connect(site, { fetch: garbled })));
    expect(error.kind).toBe('protocol');
    expect(inspect(error, { depth: 10 })).not.toContain('ThisIsTheBearerToken');
  });

  it('verifies with one token and one small authenticated call', async () => {
    const site = await emulator({ users: 5 });
    await connect(site).verify();
    expect(site.requests.map((request) => [request.kind, request.status, request.query.maxResults])).toEqual([
      ['token', 200, undefined],
      ['users-list', 200, '1'],
    ]);
  });

  it('takes an empty {"more": false} as a complete, empty listing', async () => {
    const site = await emulator({ users: 3, feeds: 0 });
    const result = await readLiveSite(connect(site));
    expect(result.groups).toEqual([]);
    expect(result.listings.groups).toEqual({
      pages: 1,
      reportedTotal: null,
      uniqueRecords: 0,
      duplicatesDropped: 0,
      retries: 0,
      complete: true,
    });
    expect(result.users.every((user) => user.groups.length === 0)).toBe(true);
  });

  it('ends the users listing incomplete when a page says more but holds nothing, without looping', async () => {
    const site = await emulator({ users: 350, seed: 7, faults: { emptyMore: { page: 2 } } });
    const result = await readLiveSite(connect(site));
    expect(result.listings.users).toMatchObject({ complete: false, pages: 2, uniqueRecords: 100 });
    expect(result.listings.users?.reason).toMatch(
      /^users: stopped after 2 pages \(100 users read\): page 2 said more users follow/,
    );
    expect(result.users).toHaveLength(100);
    // No check pass on an incomplete listing, and no request after the empty page.
    expect(result.listings.usersCheck).toBeUndefined();
    expect(usersListRequests(site).length).toBeLessThanOrEqual(3);
    expect(result.listings.groups?.complete).toBe(true);
  });

  it('ends the feeds listing incomplete on the same glitch, items: [] included', async () => {
    const site = await emulator({
      users: 20,
      feeds: 250,
      faults: { emptyMore: { page: 1, route: 'groups-list', items: 'empty' } },
    });
    const result = await readLiveSite(connect(site));
    expect(result.listings.groups).toMatchObject({ complete: false, pages: 1, uniqueRecords: 0 });
    expect(result.listings.groups?.reason).toMatch(
      /^groups: stopped after 1 page \(0 feeds read\): page 1 said more feeds follow/,
    );
    expect(result.listings.users?.complete).toBe(true);
  });

  it('keeps every page of a listing on one query: a cursor replayed with other filters is refused', async () => {
    const site = await emulator({ users: 250, seed: 8 });
    await readLiveSite(connect(site));
    const queries = usersListRequests(site).map(({ query: { cursor: _cursor, ...rest } }) => rest);
    expect(queries.length).toBe(3);
    expect(new Set(queries.map((query) => JSON.stringify(query))).size).toBe(1);

    // A client that drops showHidden after the first page is told so, and the export says why.
    let pages = 0;
    const forgetful: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.pathname.endsWith('/user/list') && !url.searchParams.has('fields') && ++pages === 2) {
        url.searchParams.delete('showHidden');
        return fetch(url, init);
      }
      return fetch(input, init);
    };
    const result = await readLiveSite(connect(site, { fetch: forgetful }));
    expect(result.listings.users).toMatchObject({ complete: false, pages: 1 });
    expect(result.listings.users?.reason).toContain('The cursor does not belong to this query');
  });

  it('reconciles users who join or leave during the listing, and says so', async () => {
    const site = await emulator({
      users: 400,
      seed: 9,
      faults: { drift: { afterPage: 2, add: 4, remove: 5 } },
    });
    const result = await readLiveSite(connect(site));
    expectMatchesGroundTruth(result, site);
    expect(result.listings.users?.complete).toBe(true);
    expect(result.listings.usersCheck?.complete).toBe(true);
    expect(result.listings.usersCheck?.warnings?.join('\n')).toMatch(/joined while the users were listed/);
    // Joined users are read one by one, always by uid: without it user/get answers the token's own user.
    const singles = site.requests.filter((request) => request.kind === 'user-detail');
    expect(singles.length).toBeGreaterThan(0);
    for (const request of singles) expect(request.query.uid).toMatch(/^\d{16}$/);
    // The check pass asks for ids only.
    const checks = site.requests.filter((request) => request.kind === 'users-list' && request.query.fields);
    expect(checks.map((request) => request.query.fields)).toContain('items(id,uid),cursor,more');
  });

  it('leaves out a user that joined and was gone again before it could be read', async () => {
    const site = await emulator({ users: 250, seed: 10, faults: { drift: { afterPage: 1, add: 3 } } });
    const vanished: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.pathname.endsWith('/user/get')) {
        return Response.json(
          { error: { code: 404, message: 'User not found.', errors: [] } },
          { status: 404 },
        );
      }
      return fetch(input, init);
    };
    const result = await readLiveSite(connect(site, { fetch: vanished }));
    const joined = site.state.users().filter((user) => !result.users.some((kept) => kept.key === user.id));
    expect(joined.length).toBeGreaterThan(0);
    expect(result.listings.usersCheck?.complete).toBe(true);
    expect(result.listings.usersCheck?.warnings?.join('\n')).toMatch(
      new RegExp(`${joined.length} user\\(s\\) were gone from the organization`),
    );
  });

  it('does not let a check that disagrees wholesale empty the export: incomplete, users kept as listed', async () => {
    const site = await emulator({ users: 120, seed: 11 });
    // A server that mishandles the partial response and answers the id-only pass with nothing.
    const blind: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.pathname.endsWith('/user/list') && url.searchParams.has('fields'))
        return Response.json({ more: false });
      return fetch(input, init);
    };
    const result = await readLiveSite(connect(site, { fetch: blind }));
    expectMatchesGroundTruth(result, site);
    expect(result.listings.users?.complete).toBe(true);
    expect(result.listings.usersCheck?.complete).toBe(false);
    expect(result.listings.usersCheck?.reason).toMatch(
      /^usersCheck: the id-only check disagrees with the listing on 0 joined and 129 gone users, more than the 50/,
    );
  });

  it('recovers from 429, 5xx and cut bodies on the token exchange and the listings', async () => {
    const site = await emulator({
      users: 250,
      seed: 12,
      faults: {
        rateLimit: { route: 'token', count: 1, retryAfterSeconds: 0 },
        serverErrors: { route: 'users-list', after: 1, count: 2, status: 502 },
        truncatedBody: { route: 'groups-list', count: 1 },
      },
    });
    const result = await readLiveSite(connect(site));
    expectMatchesGroundTruth(result, site);
    expect(result.listings.users).toMatchObject({ complete: true, retries: 2 });
    expect(result.listings.groups).toMatchObject({ complete: true, retries: 1 });
  });

  it("fails with 'disabled' when the base URL is not a LumApps cell", async () => {
    const site = await emulator({ users: 5 });
    const elsewhere: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.pathname.startsWith(API_ROOT)) return new Response('<html>Not Found</html>', { status: 404 });
      return fetch(input, init);
    };
    const error = await siteError(readLiveSite(connect(site, { fetch: elsewhere })));
    expect(error.kind).toBe('disabled');
    expect(error.message).toContain('go-cell-001.api.lumapps.com');
  });
});
