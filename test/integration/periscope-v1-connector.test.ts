import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type PeriscopeV1Faults, startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import type { PeriscopeV1Group, PeriscopeV1User } from '../../dev/emulators/periscope-v1/types.ts';
import type { LiveSite } from '../../functions/export/read-live-site.ts';
import { readLiveSite } from '../../functions/export/read-live-site.ts';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import type { ListingReport } from '../../functions/providers/port.ts';
import { adapterFor } from '../../functions/providers/registry.ts';
import { createHttpClient } from '../../functions/shared/http/create-http-client.ts';
import type { CanonicalGroup, CanonicalUser } from '../../functions/shared/model.ts';
import { connectForTest, siteErrorOf } from '../support/connect.ts';

type Emulator = Awaited<ReturnType<typeof startPeriscopeV1Emulator>>;
type EmulatorOptions = NonNullable<Parameters<typeof startPeriscopeV1Emulator>[0]>;

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const started = await startPeriscopeV1Emulator({ site: 'acme', groups: 12, ...options });
  running.push(started);
  return started;
}

interface ConnectOverrides {
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly maxRetries?: number;
  readonly concurrency?: number;
}

function connect(site: Emulator, overrides: ConnectOverrides = {}) {
  const { apiKey = site.apiKey, baseUrl = site.url, ...rest } = overrides;
  return connectForTest(periscopeV1, { baseUrl, credentials: { site: site.site, apiKey }, ...rest });
}

const siteError = siteErrorOf;

const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The ground truth, mapped by hand to the canonical model (independently of the connector). */
function expectedUsers(users: readonly PeriscopeV1User[]): CanonicalUser[] {
  return users
    .map((user) => ({
      key: user.email.toLowerCase(),
      email: user.email,
      firstName: user.first_name,
      lastName: user.last_name,
      status: 'unknown' as const,
      groups: [...new Set(user.groups)].sort(),
      lastLoginAt: user.last_login_at,
      passwordUpdatedAt: user.password_updated_at,
      mfaEnabled: user.tfa_enabled,
      raw: user,
    }))
    .sort(byKey);
}

function expectedGroups(
  groups: readonly PeriscopeV1Group[],
  users: readonly PeriscopeV1User[],
): CanonicalGroup[] {
  return groups
    .map((group) => ({
      key: group.name,
      name: group.name,
      access: group.access,
      memberCount: users.filter((user) => user.groups.includes(group.name)).length,
      raw: group,
    }))
    .sort(byKey);
}

function expectMatchesGroundTruth(result: LiveSite, site: Emulator): void {
  const users = site.state.users();
  expect(result.users).toEqual(expectedUsers(users));
  expect(result.groups).toEqual(expectedGroups(site.state.groups(), users));
}

const complete = (report: ListingReport | undefined) =>
  expect(report).toMatchObject({ complete: true, duplicatesDropped: 0 });

/** Rewrites users-list response bodies, to play a server that behaves differently from the emulator. */
function rewritingUsersPages(
  rewrite: (page: Record<string, unknown>, pageNumber: number) => void,
): typeof fetch {
  let pageNumber = 0;
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.pathname !== '/api/v1/users' || response.status !== 200) return response;
    const page = (await response.json()) as Record<string, unknown>;
    rewrite(page, ++pageNumber);
    return new Response(JSON.stringify(page), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
}

describe('periscope-v1 connector against the emulator', () => {
  it('is registered under its provider id, with its capabilities', () => {
    expect(adapterFor('periscope-v1')).toBe(periscopeV1);
    expect(periscopeV1.capabilities).toEqual({
      lastLogin: true,
      mfa: true,
      passwordUpdated: true,
      createdAt: false,
      status: false,
      privilege: {
        shownBy: 'members of the group "Administrators"',
        groupNames: ['Administrators'],
        groupFlag: false,
        userFlag: false,
      },
    });
  });

  it('checks credentials without echoing a key in its messages', () => {
    const key = 'e179017a-62b0-4996-8a38 e91aa9f1';
    const result = periscopeV1.credentialsSchema.safeParse({ site: 'example_site', apiKey: key, extra: key });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'the API key has spaces, line breaks or non-ASCII characters',
      'Unrecognized key: "extra"',
    ]);
    expect(JSON.stringify(result.error)).not.toContain('e91aa9f1');
    expect(periscopeV1.credentialsSchema.parse({ site: 'example_site', apiKey: 'e179017a-62b0' })).toEqual({
      site: 'example_site',
      apiKey: 'e179017a-62b0',
    });
  });

  it.each([0, 1, 99, 100, 101, 250])(
    'exports %i users, each exactly once, equal to the ground truth',
    async (count) => {
      const site = await emulator({ users: count, seed: count });
      const progress: [string, number, number | null][] = [];
      const result = await readLiveSite(connect(site), {
        observer: { page: (...args) => progress.push(args) },
      });

      expectMatchesGroundTruth(result, site);
      expect(result.users).toHaveLength(count);
      expect(result.listings.users).toEqual({
        pages: Math.max(1, Math.ceil(count / 100)),
        reportedTotal: count,
        uniqueRecords: count,
        duplicatesDropped: 0,
        retries: 0,
        complete: true,
      });
      complete(result.listings.groups);
      expect(result.listings.groupDetails).toMatchObject({
        complete: true,
        uniqueRecords: site.state.groupCount,
      });
      expect(progress.filter(([listing]) => listing === 'users').at(-1)).toEqual(['users', count, count]);
    },
  );

  it('round-trips a hostile seeded site (mixed case, plus addresses, formulas, RTL, emoji)', async () => {
    const site = await emulator({ users: 500, groups: 40, seed: 7 });
    const result = await readLiveSite(connect(site));
    expectMatchesGroundTruth(result, site);
    expect(result.listings.users).toMatchObject({ pages: 5, reportedTotal: 500, complete: true });
    expect(result.users.some((user) => user.email !== user.key)).toBe(true);
    expect(result.users.some((user) => user.email?.includes('+'))).toBe(true);
  });

  it('follows a plus-address cursor across a page boundary', async () => {
    const users: PeriscopeV1User[] = Array.from({ length: 101 }, (_, index) => ({
      first_name: 'User',
      last_name: String(index),
      email:
        index === 100 ? 'user100+Billing@Example.com' : `user${String(index).padStart(3, '0')}@example.com`,
      groups: ['All Users'],
      last_login_at: null,
      password_updated_at: null,
      tfa_enabled: false,
    }));
    const site = await emulator({ data: { users, groups: [] } });
    const result = await readLiveSite(connect(site));
    expectMatchesGroundTruth(result, site);
    expect(result.listings.users).toMatchObject({ pages: 2, complete: true });
    expect(site.requests.filter((request) => request.path === '/api/v1/users').map((r) => r.query)).toEqual([
      {},
      { next_page_start: 'user100+Billing@Example.com' },
    ]);
  });

  it('fetches the details of groups whose names hold spaces, /, %, # and ?', async () => {
    const site = await emulator({ users: 30, groups: 12, seed: 3 });
    const result = await readLiveSite(connect(site));
    const names = result.groups.map((group) => group.name);
    for (const awkward of [
      'Finance & Accounting',
      'Sales / EMEA',
      '100% Club',
      'Team #1',
      'Who? What? Why?',
    ]) {
      expect(names).toContain(awkward);
      expect(result.groups.find((group) => group.name === awkward)?.raw).toEqual(
        site.state.getGroup(awkward),
      );
    }
    expect(result.listings.groupDetails).toMatchObject({ complete: true, pages: site.state.groupCount });
  });

  it('drops and counts the boundary record a server repeats on the next page', async () => {
    let previousLast: unknown;
    const replaying = rewritingUsersPages((page) => {
      const users = page.users as unknown[];
      const last = users.at(-1);
      if (previousLast !== undefined) {
        users.unshift(previousLast);
        page.users_this_page = users.length;
      }
      previousLast = last;
    });
    const site = await emulator({ users: 250, seed: 11 });
    const result = await readLiveSite(connect(site, { fetch: replaying }));
    expectMatchesGroundTruth(result, site);
    expect(result.listings.users).toMatchObject({
      pages: 3,
      duplicatesDropped: 2,
      uniqueRecords: 250,
      complete: true,
    });
  });

  it('sorts records a server sends out of e-mail order into place, and says how many there were', async () => {
    const reversed = rewritingUsersPages((page, pageNumber) => {
      if (pageNumber === 2) (page.users as unknown[]).reverse();
    });
    const site = await emulator({ users: 250, seed: 13 });
    const result = await readLiveSite(connect(site, { fetch: reversed }));
    expectMatchesGroundTruth(result, site);
    const secondPage = expectedUsers(site.state.users()).slice(100, 200);
    expect(result.listings.users).toMatchObject({ uniqueRecords: 250, duplicatesDropped: 0, complete: true });
    expect(result.listings.users?.warnings).toEqual([
      `99 user record(s) arrived out of key order (first: "${secondPage.at(-2)?.key}" after ` +
        `"${secondPage.at(-1)?.key}"), although the API pages in e-mail order; they were sorted into place before writing.`,
    ]);
  });

  it('does not merge two accounts whose emails differ only in case without saying so', async () => {
    const twin = rewritingUsersPages((page, pageNumber) => {
      const users = page.users as { email: string }[];
      const first = users[0];
      if (pageNumber === 1 && first) {
        users.push({ ...first, email: first.email.toUpperCase() });
        page.users_this_page = users.length;
        page.total_users = (page.total_users as number) + 1;
      }
    });
    const site = await emulator({ users: 20, seed: 5 });
    const result = await readLiveSite(connect(site, { fetch: twin }));
    expect(result.listings.users?.complete).toBe(false);
    expect(result.listings.users?.reason).toMatch(/share their key with a different record/);
  });

  describe('recovers from transient faults, counting the retries', () => {
    const cases: [string, PeriscopeV1Faults, 'users' | 'groups' | 'groupDetails', number][] = [
      [
        '429 with Retry-After',
        { rateLimit: { route: 'users-list', after: 1, count: 2, retryAfterSeconds: 0 } },
        'users',
        2,
      ],
      [
        'a short burst of 5xx',
        { serverErrors: { route: 'users-list', after: 2, count: 3, status: 503 } },
        'users',
        3,
      ],
      ['one reset connection', { resetConnection: { route: 'users-list', after: 1 } }, 'users', 1],
      ['one truncated body', { truncatedBody: { route: 'users-list', after: 1 } }, 'users', 1],
      ['a 5xx on the groups listing', { serverErrors: { route: 'groups-list', count: 2 } }, 'groups', 2],
      [
        'a reset on a group detail',
        { resetConnection: { route: 'group-detail', after: 3 } },
        'groupDetails',
        1,
      ],
      ['a truncated group detail', { truncatedBody: { route: 'group-detail', after: 5 } }, 'groupDetails', 1],
    ];
    it.each(cases)('%s', async (_name, faults, listing, retries) => {
      const site = await emulator({ users: 250, seed: 21, faults });
      const result = await readLiveSite(connect(site));
      expectMatchesGroundTruth(result, site);
      expect(result.listings[listing]).toMatchObject({ complete: true, retries });
      for (const report of Object.values(result.listings)) expect(report.complete).toBe(true);
    });
  });

  describe('ends a listing as incomplete, with the reason, and keeps what was read', () => {
    it('a cursor that repeats forever', async () => {
      const site = await emulator({ users: 450, seed: 2, faults: { repeatCursor: { fromPage: 2 } } });
      const result = await readLiveSite(connect(site));
      expect(result.listings.users).toMatchObject({ complete: false, reportedTotal: 450 });
      expect(result.listings.users?.reason).toMatch(/cursor it had already sent/);
      expect(result.listings.users?.pages).toBeLessThanOrEqual(3);
      complete(result.listings.groups);
    });

    it('a cursor that never ends, always new: stopped at twice the pages the total needs', async () => {
      // A tiny fake server: every users page offers a fresh cursor, whatever the total says.
      const endless: typeof fetch = async (input) => {
        const url = new URL(input instanceof Request ? input.url : input.toString());
        const json = (body: unknown) => Response.json(body);
        if (url.pathname === '/api/v1/groups') {
          return json({ total_groups: 0, groups_this_page: 0, next_page_start: null, groups: [] });
        }
        const page = Number(url.searchParams.get('next_page_start')?.replace('cursor-', '') ?? 0);
        const users = Array.from({ length: 100 }, (_, index) => ({
          first_name: 'Loop',
          last_name: String(index),
          email: `p${page}-u${index}@example.com`,
          groups: ['All Users'],
          last_login_at: null,
          password_updated_at: null,
          tfa_enabled: false,
        }));
        return json({ total_users: 150, users_this_page: 100, next_page_start: `cursor-${page + 1}`, users });
      };
      const site = await emulator({ users: 0 });
      const result = await readLiveSite(connect(site, { fetch: endless }));
      // ceil(150 / 100) * 2 + 2 = 6 pages at most.
      expect(result.listings.users).toMatchObject({ complete: false, pages: 6, uniqueRecords: 600 });
      expect(result.listings.users?.reason).toBe(
        'users: stopped after 6 pages (600 users read): the API still offered another page after 6 pages, ' +
          'while its reported total of 150 needs about 2.',
      );
    });

    it('a groups cursor that repeats forever', async () => {
      const site = await emulator({
        users: 10,
        groups: 250,
        seed: 2,
        faults: { repeatCursor: { fromPage: 1, route: 'groups-list' } },
      });
      const result = await readLiveSite(connect(site));
      expect(result.listings.groups).toMatchObject({ complete: false });
      expect(result.listings.groups?.reason).toMatch(/^groups: stopped after 2 pages .*already sent/);
      complete(result.listings.users);
    });

    // Drift lands anywhere in the e-mail range; after page 2 of 3 most of it lands on pages already read.
    it.each([
      [{ add: 4 }, 304, 301],
      [{ remove: 5 }, 295, 297],
      [{ add: 2, remove: 5 }, 297, 299],
    ])('users added or removed during the export (%o)', async (change, reported, collected) => {
      const site = await emulator({ users: 300, seed: 9, faults: { drift: { afterPage: 2, ...change } } });
      const result = await readLiveSite(connect(site));
      expect(result.listings.users).toEqual({
        pages: Math.ceil(collected / 100),
        reportedTotal: reported,
        reportedTotals: [300, reported],
        uniqueRecords: collected,
        duplicatesDropped: 0,
        retries: 0,
        complete: false,
        reason: `users: the API reported ${reported} users, ${collected} were collected: users were probably added or removed during the export.`,
      });
    });

    // Users added ahead of the cursor are read and the count adds up, but a server that drops users
    // and lowers its total to match looks the same up to here: only the changed total tells.
    it('drift ahead of the cursor only: the count adds up, the changed total still makes it drift', async () => {
      const site = await emulator({ users: 300, seed: 9, faults: { drift: { afterPage: 1, add: 3 } } });
      const result = await readLiveSite(connect(site));
      expect(result.listings.users).toMatchObject({
        complete: false,
        reportedTotal: 303,
        reportedTotals: [300, 303],
        uniqueRecords: 303,
      });
      expect(result.listings.users?.reason).toBe(
        "users: the API's reported total changed while rollcall paged through it (300 → 303): users were added or removed during the export.",
      );
      expectMatchesGroundTruth(result, site);
    });

    it('a body that stays truncated mid-listing', async () => {
      const site = await emulator({
        users: 250,
        seed: 4,
        faults: { truncatedBody: { route: 'users-list', after: 1, count: Infinity } },
      });
      const result = await readLiveSite(connect(site));
      expect(result.listings.users).toMatchObject({ complete: false, pages: 1, uniqueRecords: 100 });
      expect(result.listings.users?.reason).toMatch(
        /^users: stopped after 1 page \(100 users read\): .*not valid JSON/,
      );
      expect(result.users).toEqual(expectedUsers(site.state.users().slice(0, 100)));
    });

    it('a 5xx burst that outlasts the retries mid-listing', async () => {
      const site = await emulator({
        users: 350,
        seed: 4,
        faults: { serverErrors: { route: 'users-list', after: 2, count: Infinity, status: 502 } },
      });
      const result = await readLiveSite(connect(site, { maxRetries: 2 }));
      expect(result.listings.users).toMatchObject({
        complete: false,
        pages: 2,
        uniqueRecords: 200,
        retries: 2,
      });
      expect(result.listings.users?.reason).toMatch(
        /stopped after 2 pages \(200 users read\): .*HTTP 502 after 3 attempts/,
      );
      expect(result.users).toHaveLength(200);
    });

    it('group details that keep failing: the rest is not requested, every listed group is kept', async () => {
      const site = await emulator({
        users: 40,
        groups: 30,
        seed: 8,
        faults: { serverErrors: { route: 'group-detail', after: 3, count: Infinity, status: 503 } },
      });
      const result = await readLiveSite(connect(site, { maxRetries: 1, concurrency: 1 }));
      expect(result.listings.groupDetails).toMatchObject({
        complete: false,
        pages: 3,
        reportedTotal: 30,
        retries: 1,
      });
      expect(result.listings.groupDetails?.reason).toMatch(
        /^groupDetails: the details of group ".+" could not be read, 27 group\(s\) left unread: .*HTTP 503 after 2 attempts/,
      );
      expect(result.groups).toHaveLength(30);
      complete(result.listings.users);
      const detailRequests = site.requests.filter((request) => request.path.startsWith('/api/v1/groups/'));
      expect(detailRequests).toHaveLength(3 + 2);
    });

    it('a group deleted between the listing and its details', async () => {
      const site = await emulator({ users: 40, seed: 8 });
      const deleting: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        const url = new URL(input instanceof Request ? input.url : input.toString());
        if (url.pathname === '/api/v1/groups') site.state.removeGroup('Team #1');
        return response;
      };
      const result = await readLiveSite(connect(site, { fetch: deleting }));
      expect(result.listings.groupDetails).toMatchObject({ complete: false });
      expect(result.listings.groupDetails?.reason).toBe(
        'groupDetails: "Team #1" was deleted during the export (404 on the details)',
      );
      expect(result.groups.map((group) => group.name)).toContain('Team #1');
    });
  });

  describe('fails the site with a SiteError that says what to check', () => {
    it('a wrong key: auth, without the key in the message', async () => {
      const site = await emulator({ users: 5 });
      const wrongKey = 'deadbeef-0000-4996-8a38-e91aa9f1';
      for (const run of [
        () => connect(site, { apiKey: wrongKey }).verify(),
        () => readLiveSite(connect(site, { apiKey: wrongKey })),
      ]) {
        const error = await siteError(run());
        expect(error.kind).toBe('auth');
        expect(error.message).toMatch(
          /^Periscope site "acme": the API rejected the key \(403\)\. Check the site name and API key/,
        );
        for (const key of [wrongKey, site.apiKey]) expect(inspect(error, { depth: 20 })).not.toContain(key);
      }
    });

    it('a key revoked mid-listing: auth, thrown rather than an incomplete listing', async () => {
      const site = await emulator({ users: 250, seed: 1 });
      let page = 0;
      const revoking: typeof fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input.toString());
        if (url.pathname === '/api/v1/users' && ++page === 2) {
          const headers = new Headers(init?.headers);
          headers.set('HTTP-X-PARTNER-AUTH', `${site.site}:revoked`);
          return fetch(input, { ...init, headers });
        }
        return fetch(input, init);
      };
      const error = await siteError(readLiveSite(connect(site, { fetch: revoking })));
      expect(error.kind).toBe('auth');
    });

    it('a key revoked on the groups side ends the export even while users wait out a back-off', async () => {
      const site = await emulator({ users: 250, groups: 6, seed: 1 });
      // Users page 2 keeps failing, so the users chain sits in a back-off that never ends by
      // itself; the export must still end once the group details have been refused.
      site.setFaults({
        serverErrors: { after: 1, count: Number.POSITIVE_INFINITY, status: 503, route: 'users-list' },
      });
      let backOffs = 0;
      let backOffStarted = () => {};
      const inBackOff = new Promise<void>((resolve) => {
        backOffStarted = resolve;
      });
      const revokedForGroups: typeof fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input.toString());
        if (!url.pathname.startsWith('/api/v1/groups/')) return fetch(input, init);
        await inBackOff;
        const headers = new Headers(init?.headers);
        headers.set('HTTP-X-PARTNER-AUTH', `${site.site}:revoked`);
        return fetch(input, { ...init, headers });
      };
      const http = createHttpClient({
        fetch: revokedForGroups,
        maxRetries: 5,
        secrets: [site.apiKey],
        sleep: () => {
          backOffs += 1;
          backOffStarted();
          return new Promise<void>(() => {});
        },
      });
      const connector = periscopeV1.connect({
        baseUrl: site.url,
        credentials: { site: site.site, apiKey: site.apiKey },
        http,
        concurrency: 1,
      });

      const error = await siteError(readLiveSite(connector));

      expect(error.kind).toBe('auth');
      expect(backOffs).toBeGreaterThan(0);
    });

    it('the API not enabled: disabled', async () => {
      const site = await emulator({ users: 5, apiEnabled: false });
      const error = await siteError(readLiveSite(connect(site)));
      expect(error.kind).toBe('disabled');
      expect(error.message).toMatch(/the User and Group Management API is not enabled for this site \(404/);
      expect(error.message).toMatch(/or the base URL .* is wrong/);
      expect((await siteError(connect(site).verify())).kind).toBe('disabled');
    });

    it('an unreachable host: unreachable, naming the host', async () => {
      const site = await emulator({ users: 1 });
      const { host } = new URL(site.url);
      await site.close();
      running.splice(running.indexOf(site), 1);
      const error = await siteError(readLiveSite(connect(site, { maxRetries: 1 })));
      expect(error.kind).toBe('unreachable');
      expect(error.message).toContain(`cannot reach ${host}`);
      expect(error.message).toContain('ECONNREFUSED');
    });

    it('a persistent 5xx from the start: server', async () => {
      const site = await emulator({
        users: 5,
        faults: { serverErrors: { route: 'any', count: Infinity, status: 503 } },
      });
      const error = await siteError(readLiveSite(connect(site, { maxRetries: 2 })));
      expect(error.kind).toBe('server');
      expect(error.message).toMatch(/HTTP 503 after 3 attempts/);
    });

    it('a first page that does not match the documented shape: protocol, naming the issue', async () => {
      const site = await emulator({ users: 5 });
      const broken = rewritingUsersPages((page) => {
        (page.users as Record<string, unknown>[])[2] = { email: 'x@example.com' };
      });
      const error = await siteError(readLiveSite(connect(site, { fetch: broken })));
      expect(error.kind).toBe('protocol');
      expect(error.message).toMatch(
        /page 1 of the users listing does not match the documented shape: users\[2\]\.first_name/,
      );
    });
  });

  it('verify() succeeds with one request', async () => {
    const site = await emulator({ users: 250 });
    await connect(site).verify();
    expect(site.requests.map((request) => [request.method, request.path, request.status])).toEqual([
      ['GET', '/api/v1/users', 200],
    ]);
  });
});
