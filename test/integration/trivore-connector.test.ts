import { afterEach, describe, expect, it } from 'vitest';
import {
  startTrivoreEmulator,
  type TrivoreEmulator,
  type TrivoreEmulatorOptions,
  type TrivoreGroup,
  type TrivoreUser,
} from '../../dev/emulators/trivore/index.ts';
import { readLiveSite } from '../../functions/export/read-live-site.ts';
import type { ProviderAdapter } from '../../functions/providers/port.ts';
import {
  createTrivoreAdapter,
  type TrivoreCredentials,
  trivore,
} from '../../functions/providers/trivore/adapter.ts';
import { compareKeys } from '../../functions/shared/model.ts';
import { connectForTest, siteErrorOf } from '../support/connect.ts';
import { recordingTarget } from '../support/recording-target.ts';

const running: TrivoreEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: TrivoreEmulatorOptions = {}): Promise<TrivoreEmulator> {
  const started = await startTrivoreEmulator({ groups: 6, ...options });
  running.push(started);
  return started;
}

interface ConnectOverrides {
  readonly adapter?: ProviderAdapter<TrivoreCredentials>;
  readonly credentials?: TrivoreCredentials;
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly concurrency?: number;
  readonly maxRetries?: number;
}

function connect(site: TrivoreEmulator, overrides: ConnectOverrides = {}) {
  const { adapter = trivore, credentials = site.credentials, baseUrl = site.url, ...rest } = overrides;
  return connectForTest(adapter, { baseUrl, credentials, ...rest });
}

const siteError = siteErrorOf;

/** The ground truth mapped by hand (independently of the connector), raw records included. */
function expectedUsers(users: readonly TrivoreUser[]) {
  return users.map((user) => {
    const usable = user.emails.filter((email) => email.address !== '');
    const email = (usable.find((entry) => entry.verified) ?? usable[0])?.address;
    return {
      key: user.id,
      id: user.id,
      ...(email === undefined ? {} : { email }),
      firstName: user.name.givenName,
      lastName: user.name.familyName,
      status: user.locked ? 'locked' : 'active',
      groups: [...new Set(user.memberOf)].sort(compareKeys),
      mfaEnabled: user.mfaMethod !== 'NONE',
      createdAt: new Date(user.meta.created).toISOString(),
      raw: user,
    };
  });
}

function expectedGroups(groups: readonly TrivoreGroup[], users: readonly TrivoreUser[]) {
  return groups.map((group) => ({
    key: group.id,
    id: group.id,
    name: group.name,
    ...(group.description === undefined ? {} : { description: group.description }),
    memberCount: users.filter((user) => user.memberOf.includes(group.id)).length,
    raw: group,
  }));
}

const usersListed = (site: TrivoreEmulator) =>
  site.requests.filter((request) => request.kind === 'users-list');
const byNumber = (a: number, b: number) => a - b;

/** A fetch that lets a test play a server that differs from the emulator, or watch requests. */
function rewriting(hooks: {
  request?(url: URL): Response | undefined;
  response?(body: Record<string, unknown>, url: URL, asked: URL): void;
}): typeof fetch {
  return async (input, init) => {
    const asked = new URL(input instanceof Request ? input.url : input.toString());
    const url = new URL(asked);
    const answered = hooks.request?.(url);
    if (answered) return answered;
    const response = await fetch(url, init);
    if (!hooks.response || response.status !== 200) return response;
    const body = (await response.json()) as Record<string, unknown>;
    hooks.response(body, url, asked);
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
}

const isUsersList = (url: URL) => url.pathname === '/api/rest/v1/user';

describe('trivore connector', () => {
  it('exports every user and group exactly as the ground truth, raw records included', async () => {
    const site = await emulator({ users: 1234, groups: 12 });
    const result = await readLiveSite(connect(site));
    const users = site.state.users();
    expect(result.users).toEqual(expectedUsers(users));
    expect(result.groups).toEqual(expectedGroups(site.state.groups(), users));
    expect(result.listings.users).toMatchObject({
      complete: true,
      reportedTotal: 1234,
      uniqueRecords: 1234,
      pages: 3,
      // One record of overlap per page boundary, asked for on purpose.
      duplicatesDropped: 2,
    });
    expect(result.listings.groups).toMatchObject({ complete: true, reportedTotal: 12, uniqueRecords: 12 });
  });

  it('requests the first page, then every other offset once, 500 a page, sorted by id', async () => {
    const site = await emulator({ users: 2600 });
    await readLiveSite(connect(site));
    const requests = usersListed(site);
    expect(requests[0]?.query).toEqual({ startIndex: '0', count: '500', sortBy: 'id' });
    const offsets = requests.map((request) => Number(request.query.startIndex)).sort(byNumber);
    expect(offsets).toEqual([0, 499, 998, 1497, 1996, 2495]);
    for (const request of requests) expect(request.query).toMatchObject({ count: '500', sortBy: 'id' });
  });

  it('fetches pages in parallel, never more at once than the concurrency, counted from both ends', async () => {
    const site = await emulator({ users: 1000, groups: 120, faults: { latencyMs: 15 } });
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight -= 1;
      }
    };
    const adapter = createTrivoreAdapter({ pageSize: 50 });
    const result = await readLiveSite(connect(site, { adapter, fetch: counting, concurrency: 3 }));
    expect(result.listings.users?.complete).toBe(true);
    expect(result.users).toHaveLength(1000);
    // 1000 users, 50 a page with one record of overlap: the first page and 20 more.
    expect(result.listings.users?.pages).toBe(21);
    expect(result.listings.groups?.pages).toBe(3);
    // Parallel and bounded; how close to the bound it gets depends on the machine's load.
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
    // Counted at the client, where the bound is kept: the emulator's own peak is worked out from
    // when each handler started, which a loaded machine delays, so it can overlap pages that did not.
    // What a benchmark reads: every request the export made, by kind, as the server saw them.
    expect(site.requestsByKind()).toEqual({ 'users-list': 21, 'groups-list': 3 });
  });

  it('adapts to a server that serves fewer records a page than asked for', async () => {
    const site = await emulator({ users: 450, maxCount: 100 });
    const result = await readLiveSite(connect(site));
    expect(result.listings.users).toMatchObject({ complete: true, uniqueRecords: 450 });
    const offsets = usersListed(site).map((request) => Number(request.query.startIndex));
    expect(offsets.sort(byNumber)).toEqual([0, 99, 198, 297, 396]);
  });

  it('reads the listing again when users were added and removed mid-scan, and keeps the site as it ended', async () => {
    const site = await emulator({ users: 2000, faults: { drift: { afterPage: 2, add: 4, remove: 5 } } });
    const result = await readLiveSite(connect(site));
    expect(result.listings.users?.complete).toBe(true);
    expect(result.listings.users?.warnings?.[0]).toContain('the first read did not add up');
    expect(result.listings.users?.pages).toBe(10);
    expect(result.users).toEqual(expectedUsers(site.state.users()));
    expect(result.users).toHaveLength(1999);
  });

  it('leaves the listing incomplete, never complete with a wrong set, when users keep changing', async () => {
    const site = await emulator({ users: 1500 });
    // Someone removes a user whenever a later page is asked for, on both reads.
    const churning = rewriting({
      request(url) {
        if (isUsersList(url) && url.searchParams.get('startIndex') !== '0') {
          const victim = site.state.users()[0];
          if (victim) site.state.removeUser(victim.id);
        }
        return undefined;
      },
    });
    const result = await readLiveSite(connect(site, { fetch: churning }));
    expect(result.listings.users?.complete).toBe(false);
    expect(result.listings.users?.reason).toMatch(
      /users: the listing did not add up .+ a second full read did not add up/,
    );
  });

  it('never calls a stuck offset complete', async () => {
    const site = await emulator({ users: 2000, faults: { repeatCursor: { fromPage: 2 } } });
    const result = await readLiveSite(connect(site));
    expect(result.listings.users?.complete).toBe(false);
    expect(result.listings.users?.reason).toContain('stuck offset');
  });

  it('fails visibly against a server that counts startIndex from 1', async () => {
    const site = await emulator({ users: 1200 });
    const oneBased = rewriting({
      request(url) {
        const start = Number(url.searchParams.get('startIndex') ?? '0');
        if (isUsersList(url)) url.searchParams.set('startIndex', String(Math.max(0, start - 1)));
        return undefined;
      },
      // It even echoes the index it was asked for: only the records can tell.
      response(body, _url, asked) {
        if (isUsersList(asked)) body.startIndex = Number(asked.searchParams.get('startIndex'));
      },
    });
    const result = await readLiveSite(connect(site, { fetch: oneBased }));
    expect(result.listings.users?.complete).toBe(false);
    expect(result.listings.users?.reason).toContain('records moved between the pages');
  });

  it('refuses a SCIM-style page (Resources) as a protocol error that says so', async () => {
    const site = await emulator({ users: 10 });
    const scim = rewriting({
      response(body, url) {
        if (!isUsersList(url)) return;
        body.Resources = body.resources;
        delete body.resources;
      },
    });
    const error = await siteError(readLiveSite(connect(site, { fetch: scim })));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('SCIM-style "Resources"');
  });

  it('fails with kind auth on wrong credentials, naming the server and client but never the secret', async () => {
    const site = await emulator({ users: 5 });
    const credentials = { ...site.credentials, clientSecret: 'revoked-secret-value' };
    const error = await siteError(readLiveSite(connect(site, { credentials })));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain(`client ${site.credentials.clientId}`);
    expect(error.message).toContain('HTTP 401');
    for (const secret of trivore.secretsOf(credentials)) expect(error.message).not.toContain(secret);
    expect((await siteError(connect(site, { credentials }).verify())).kind).toBe('auth');
  });

  it('shows the permission a 403 names, for users and for groups', async () => {
    const site = await emulator({ users: 5, deniedPermissions: ['ACCOUNT_VIEW'] });
    const users = await siteError(readLiveSite(connect(site)));
    expect(users.kind).toBe('auth');
    expect(users.message).toContain('lacks the permission ACCOUNT_VIEW');
    expect(users.message).toContain('"Client does not have required permission ACCOUNT_VIEW."');
    site.setDeniedPermissions(['GROUP_VIEW']);
    const groups = await siteError(readLiveSite(connect(site)));
    expect(groups.message).toContain('lacks the permission GROUP_VIEW');
  });

  it('fails the whole export when the client is rejected on a later page', async () => {
    const site = await emulator({ users: 1200 });
    const revoked = rewriting({
      request: (url) =>
        isUsersList(url) && url.searchParams.get('startIndex') !== '0'
          ? new Response(JSON.stringify({ errorMessage: 'Bad credentials', statusCode: 401 }), {
              status: 401,
            })
          : undefined,
    });
    expect((await siteError(readLiveSite(connect(site, { fetch: revoked })))).kind).toBe('auth');
  });

  it('ends the users listing incomplete, keeping what it read, when a later page keeps failing', async () => {
    const site = await emulator({
      users: 1500,
      faults: { serverErrors: { route: 'users-list', after: 1, count: Number.POSITIVE_INFINITY } },
    });
    const result = await readLiveSite(connect(site, { maxRetries: 1, concurrency: 1 }));
    expect(result.listings.users?.complete).toBe(false);
    expect(result.listings.users?.reason).toMatch(
      /^users: stopped after 1 page \(500 users read\): .*kept failing/,
    );
    expect(result.users).toHaveLength(500);
    expect(result.listings.groups?.complete).toBe(true);
  });

  it('keeps paging without sortBy when the server refuses it, and says so', async () => {
    const site = await emulator({ users: 700 });
    const noSort = rewriting({
      request: (url) =>
        url.searchParams.has('sortBy')
          ? new Response(JSON.stringify({ errorMessage: 'Unknown sort field id', statusCode: 400 }), {
              status: 400,
            })
          : undefined,
    });
    const result = await readLiveSite(connect(site, { fetch: noSort }));
    expect(result.listings.users?.complete).toBe(true);
    expect(result.listings.users?.warnings?.[0]).toContain('the server refused sortBy=id');
    expect(result.users).toEqual(expectedUsers(site.state.users()));
  });

  it('keeps a membership of a group the listing does not have, with a warning', async () => {
    const site = await emulator({ users: 3 });
    const ghost = 'ffffffffffffffffffffffff';
    const target = site.state.users()[0];
    site.state.updateUser(target?.id ?? '', { memberOf: [ghost] });
    const result = await readLiveSite(connect(site));
    expect(result.listings.users?.complete).toBe(true);
    expect(result.users.find((user) => user.key === target?.id)?.groups).toEqual([ghost]);
    expect(result.listings.users?.warnings).toEqual([
      `1 membership name a group id the groups listing does not have ("${ghost}"); kept in the users' groups as they are.`,
    ]);
  });

  it('pages groups the same way when there are more than a page of them', async () => {
    const site = await emulator({ users: 20, groups: 620 });
    const result = await readLiveSite(connect(site));
    expect(result.listings.groups).toMatchObject({ complete: true, uniqueRecords: 620, pages: 2 });
    expect(result.groups).toEqual(expectedGroups(site.state.groups(), site.state.users()));
  });

  it('finds the API under a base URL that already ends in the API path', async () => {
    const site = await emulator({ users: 4 });
    const result = await readLiveSite(connect(site, { baseUrl: `${site.url}/api/rest/v1/` }));
    expect(result.users).toHaveLength(4);
  });

  it('says the base URL looks wrong when the API path is not there', async () => {
    const site = await emulator({ users: 4 });
    const error = await siteError(readLiveSite(connect(site, { baseUrl: `${site.url}/elsewhere` })));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('base URL');
  });

  it('verifies the credentials with one small request', async () => {
    const site = await emulator({ users: 40 });
    await connect(site).verify();
    expect(site.requests).toHaveLength(1);
    expect(site.requests[0]?.query).toMatchObject({ startIndex: '0', count: '1' });
  });

  it('hands the users to the sink page by page as they arrive and reports progress per page', async () => {
    const site = await emulator({ users: 1100 });
    const pages: [string, number, number | null][] = [];
    const target = recordingTarget({
      page: (listing, records, total) => pages.push([listing, records, total]),
    });
    const result = await target.exportWith(connect(site));
    // One batch a page; the pages after the first arrive in parallel, in no fixed order.
    expect([...target.batches].sort((a, b) => a - b)).toEqual([102, 500, 500]);
    expect(pages.filter(([listing]) => listing === 'users')).toHaveLength(3);
    expect(pages.at(-1)?.[1]).toBeLessThanOrEqual(1100);
    expect(result.users).toMatchObject({ uniqueUsers: 1100, duplicatesDropped: 2 });
    expect(result.listings.users).toMatchObject({
      uniqueRecords: 1100,
      duplicatesDropped: 2,
      complete: true,
    });
  });
});
