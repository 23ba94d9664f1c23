import { afterEach, describe, expect, it } from 'vitest';
import {
  type EmulatorFaults,
  type PeriscopeV2Role,
  startPeriscopeV2Emulator,
} from '../../dev/emulators/periscope-v2/index.ts';
import type { LiveSite } from '../../functions/export/read-live-site.ts';
import { readLiveSite } from '../../functions/export/read-live-site.ts';
import { periscopeV2 } from '../../functions/providers/periscope-v2/adapter.ts';
import type { ListingReport } from '../../functions/providers/port.ts';
import type { CanonicalGroup, CanonicalUser } from '../../functions/shared/model.ts';
import { connectForTest, siteErrorOf } from '../support/connect.ts';

type Emulator = Awaited<ReturnType<typeof startPeriscopeV2Emulator>>;
type EmulatorOptions = NonNullable<Parameters<typeof startPeriscopeV2Emulator>[0]>;

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const started = await startPeriscopeV2Emulator({ site: 'acme', roles: 8, ...options });
  running.push(started);
  return started;
}

interface ConnectOverrides {
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly maxRetries?: number;
}

function connect(site: Emulator, overrides: ConnectOverrides = {}) {
  const { apiKey = site.apiKey, baseUrl = site.url, ...rest } = overrides;
  return connectForTest(periscopeV2, { baseUrl, credentials: { site: site.site, apiKey }, ...rest });
}

const siteError = siteErrorOf;

const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The ground truth, mapped by hand to the canonical model (independently of the connector). */
function expectedExport(site: Emulator): { users: CanonicalUser[]; groups: CanonicalGroup[] } {
  const roles = site.state.roles();
  const hidden = (role: PeriscopeV2Role) => site.state.rolesWithoutIds && role.permissions.length === 0;
  const keyOf = new Map(roles.map((role) => [role.id, hidden(role) ? `name:${role.name}` : role.id]));
  const sentAs = new Map(roles.map((role) => [role.id, hidden(role) ? role.name : role.id]));
  const dashboardNames = new Map(site.state.dashboards().map((d) => [String(d.id), d.name]));
  const users = site.state.users().map((user) => ({
    key: user.id,
    id: user.id,
    email: user.email,
    firstName: user.first_name,
    lastName: user.last_name,
    status: 'unknown' as const,
    groups: [...new Set(user.roles.map((id) => keyOf.get(id) ?? id))].sort(),
    lastLoginAt: user.last_login_at,
    passwordUpdatedAt: user.password_updated_at,
    mfaEnabled: user.tfa_enabled,
    raw: { ...user, roles: user.roles.map((id) => sentAs.get(id) ?? id) },
  }));
  const members = (key: string) => users.filter((user) => user.groups.includes(key)).length;
  const groups = roles.map((role) => {
    const key = keyOf.get(role.id) ?? role.id;
    const { id, ...withoutId } = role;
    // One "Type: rights" part per object type, types in order (the Admin role also has Site rights).
    const types = [...new Set(role.privileges.map((p) => p.object_type))].sort();
    const access = types
      .map((type) => {
        const rights = role.privileges.filter((p) => p.object_type === type).flatMap((p) => p.permissions);
        return rights.length === 0 ? '' : `${type}: ${[...new Set(rights)].sort().join(', ')}`;
      })
      .filter((part) => part !== '')
      .join('; ');
    return {
      key,
      ...(hidden(role) ? {} : { id }),
      name: role.name,
      access,
      description: role.description,
      memberCount: members(key),
      admin: role.privileges.some((privilege) => privilege.object_type === 'Site'),
      raw: {
        role: hidden(role) ? withoutId : role,
        dashboards: role.permissions.map((grant) => ({
          id: grant.object_id,
          name: dashboardNames.get(grant.object_id) ?? null,
          permissions: grant.permissions,
        })),
      },
    };
  });
  return { users: users.sort(byKey), groups: groups.sort(byKey) };
}

const complete = (report: ListingReport | undefined) =>
  expect(report).toMatchObject({ complete: true, duplicatesDropped: 0 });

function urlOf(input: Parameters<typeof fetch>[0]): URL {
  return new URL(input instanceof Request ? input.url : input.toString());
}

/** Rewrites the 200 bodies of one route, to play a server that behaves differently from the emulator. */
function rewriting(
  path: string,
  rewrite: (body: Record<string, unknown>, call: number) => void,
): typeof fetch {
  let call = 0;
  return async (input, init) => {
    const response = await fetch(input, init);
    if (urlOf(input).pathname !== path || response.status !== 200) return response;
    const body = (await response.json()) as Record<string, unknown>;
    rewrite(body, ++call);
    return Response.json(body);
  };
}

const dashboardRequests = (site: Emulator) =>
  site.requests.filter((request) => request.path === '/api/v1/dashboards').map((request) => request.query);

describe('periscope-v2 adapter', () => {
  it('declares its identity, its audit fields and its one secret', () => {
    expect(periscopeV2).toMatchObject({
      id: 'periscope-v2',
      displayName: 'Periscope Data (v2, RBAC)',
      defaultBaseUrl: 'https://app.periscopedata.com',
      capabilities: {
        lastLogin: true,
        mfa: true,
        passwordUpdated: true,
        createdAt: false,
        status: false,
        privilege: expect.objectContaining({ groupNames: ['Admin'], groupFlag: true, userFlag: false }),
      },
    });
    expect(periscopeV2.secretsOf({ site: 'acme', apiKey: 'k-1' })).toEqual(['k-1']);
  });

  it('checks credentials without echoing a key in its messages', () => {
    const key = 'e179017a-62b0-4996-8a38 e91aa9f1';
    const result = periscopeV2.credentialsSchema.safeParse({ site: 'example_site', apiKey: key });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'the API key has spaces, line breaks or non-ASCII characters',
    ]);
    expect(JSON.stringify(result.error)).not.toContain('e91aa9f1');
  });
});

describe('periscope-v2 connector against the emulator', () => {
  it.each([0, 1, 99, 100, 101, 250])(
    'exports %i users, each exactly once, equal to the ground truth',
    async (count) => {
      const site = await emulator({ users: count, seed: count });
      const progress: [string, number, number | null][] = [];
      const result = await readLiveSite(connect(site), {
        observer: { page: (...args) => progress.push(args) },
      });

      expect(fieldsAndRaw(result)).toEqual(expectedExport(site));
      expect(result.listings.users).toEqual({
        pages: Math.max(1, Math.ceil(count / 100)),
        reportedTotal: count,
        uniqueRecords: count,
        duplicatesDropped: 0,
        retries: 0,
        complete: true,
      });
      expect(result.listings.roles).toEqual({
        pages: 1,
        reportedTotal: null,
        uniqueRecords: 8,
        duplicatesDropped: 0,
        retries: 0,
        complete: true,
      });
      complete(result.listings.dashboards);
      expect(progress.filter(([listing]) => listing === 'users').at(-1)).toEqual(['users', count, count]);
    },
  );

  it('reads users from /api/v2 and roles and dashboards from /api/v1, roles before users', async () => {
    const site = await emulator({ users: 150, dashboards: 120 });
    await readLiveSite(connect(site));
    const routes = site.requests.map((request) => `${request.method} ${request.path} ${request.status}`);
    expect(new Set(routes)).toEqual(
      new Set(['GET /api/v1/roles 200', 'GET /api/v1/dashboards 200', 'GET /api/v2/users 200']),
    );
    expect(routes.filter((route) => route.includes('/api/v2/users'))).toHaveLength(2);
    expect(routes.indexOf('GET /api/v1/roles 200')).toBeLessThan(routes.indexOf('GET /api/v2/users 200'));
    const users = site.state.users();
    expect(site.requests.filter((r) => r.path === '/api/v2/users').map((r) => r.query)).toEqual([
      {},
      { next_page_start: users[100]?.id },
    ]);
  });

  describe('pages the dashboards neither dropping nor repeating a boundary dashboard', () => {
    it.each([0, 99, 100, 101, 250])('%i dashboards', async (count) => {
      const site = await emulator({ users: 20, dashboards: count, seed: 5 });
      const dashboards = site.state.dashboards();
      // A role that grants the dashboards on both sides of every page boundary.
      const edges = [0, 99, 100, 199, 200, count - 1].filter((index) => index >= 0 && index < count);
      const edgeRole = site.state.addRole({
        name: 'Boundary watchers',
        description: '',
        privileges: [],
        permissions: edges.map((index) => ({
          object_type: 'Dashboard',
          object_id: String(dashboards[index]?.id),
          permissions: ['read_dashboards'],
        })),
      });

      const result = await readLiveSite(connect(site));
      expect(result.listings.dashboards).toEqual({
        pages: Math.max(1, Math.ceil(count / 100)),
        reportedTotal: null,
        uniqueRecords: count,
        duplicatesDropped: 0,
        retries: 0,
        complete: true,
      });
      const pageStarts = [100, 200].filter((index) => index < count);
      expect(dashboardRequests(site)).toEqual([
        {},
        ...pageStarts.map((index) => ({ next_page_start: String(dashboards[index]?.id) })),
      ]);
      const watched = result.groups.find((group) => group.key === edgeRole.id);
      expect(
        (watched?.raw as { dashboards: { name: string | null }[] } | undefined)?.dashboards.map(
          (d) => d.name,
        ),
      ).toEqual(edges.map((index) => dashboards[index]?.name));
      expect(fieldsAndRaw(result)).toEqual(expectedExport(site));
    });

    it('drops and counts the boundary dashboard a server repeats on the next page', async () => {
      let previousLast: unknown;
      const overlapping = rewriting('/api/v1/dashboards', (body) => {
        const dashboards = body.dashboards as unknown[];
        const last = dashboards.at(-1);
        if (previousLast !== undefined) {
          dashboards.unshift(previousLast);
          body.items_this_page = dashboards.length;
        }
        previousLast = last;
      });
      const site = await emulator({ users: 10, dashboards: 250, seed: 6 });
      const result = await readLiveSite(connect(site, { fetch: overlapping }));
      expect(result.listings.dashboards).toMatchObject({
        pages: 3,
        uniqueRecords: 250,
        duplicatesDropped: 2,
        complete: true,
      });
      expect(fieldsAndRaw(result)).toEqual(expectedExport(site));
    });

    it('ends as incomplete on a repeating dashboards cursor, keeping the users and roles', async () => {
      const site = await emulator({
        users: 30,
        dashboards: 450,
        faults: { repeatCursor: { fromPage: 2, route: 'groups-list' } },
      });
      const result = await readLiveSite(connect(site));
      expect(result.listings.dashboards).toMatchObject({ complete: false, pages: 3, uniqueRecords: 300 });
      expect(result.listings.dashboards?.reason).toMatch(/^dashboards: stopped after 3 pages .*already sent/);
      complete(result.listings.users);
      complete(result.listings.roles);
      expect(result.users).toHaveLength(30);
    });

    it('ends as incomplete when a later dashboards page keeps failing, and fails the site on the first', async () => {
      const later: EmulatorFaults = {
        serverErrors: { route: 'group-detail', after: 1, count: Number.POSITIVE_INFINITY, status: 502 },
      };
      const site = await emulator({ users: 30, dashboards: 250, faults: later });
      const result = await readLiveSite(connect(site, { maxRetries: 1 }));
      expect(result.listings.dashboards).toMatchObject({
        complete: false,
        pages: 1,
        uniqueRecords: 100,
        retries: 1,
      });
      expect(result.listings.dashboards?.reason).toMatch(/^dashboards: stopped after 1 page .*kept failing/);
      complete(result.listings.users);

      site.setFaults({ serverErrors: { route: 'group-detail', count: Number.POSITIVE_INFINITY } });
      const failure = await siteError(readLiveSite(connect(site, { maxRetries: 1 })));
      expect(failure.kind).toBe('server');
    });
  });

  describe('roles the API sends without an id', () => {
    it('keys them by name, keeps the memberships users name them by, and warns about each', async () => {
      const site = await emulator({ users: 120, dashboards: 30, rolesWithoutIds: true, seed: 8 });
      const idless = site.state.roles().filter((role) => role.permissions.length === 0);
      expect(idless.length).toBeGreaterThanOrEqual(2);

      const result = await readLiveSite(connect(site));
      expect(fieldsAndRaw(result)).toEqual(expectedExport(site));
      expect(result.listings.roles).toMatchObject({ complete: true, reportedTotal: null });
      expect(result.listings.roles?.warnings).toEqual(
        idless.map((role) => `role ${JSON.stringify(role.name)} came back without an id; keyed by its name`),
      );
      const everyone = result.groups.find((group) => group.name === 'Everyone');
      expect(everyone).toMatchObject({ key: 'name:Everyone', memberCount: 120 });
      expect(everyone && 'id' in everyone).toBe(false);
      for (const user of result.users) expect(user.groups).toContain('name:Everyone');
      expect((result.users[0]?.raw as { roles: string[] } | undefined)?.roles).toContain('Everyone');
    });

    it('keys them by id again once the API sends it', async () => {
      const site = await emulator({ users: 10, rolesWithoutIds: true });
      site.state.setRolesWithoutIds(false);
      const result = await readLiveSite(connect(site));
      expect(result.listings.roles?.warnings).toBeUndefined();
      expect(result.groups.every((group) => group.key === group.id)).toBe(true);
      expect(fieldsAndRaw(result)).toEqual(expectedExport(site));
    });
  });

  describe('says when the listings do not fit together', () => {
    it('a user naming a role the roles listing does not hold', async () => {
      const ghostly = rewriting('/api/v2/users', (body, call) => {
        const first = (body.users as { roles: string[] }[])[0];
        if (call === 1 && first) first.roles.push('ghost-role-id');
      });
      const site = await emulator({ users: 15 });
      const result = await readLiveSite(connect(site, { fetch: ghostly }));
      expect(result.listings.users).toMatchObject({ complete: true });
      expect(result.listings.users?.warnings).toEqual([
        '1 role reference(s) on user records match no listed role (first: "ghost-role-id"); each is kept as ' +
          'given as the key of the membership. A role created or removed during the export does this.',
      ]);
      expect(result.users[0]?.groups).toContain('ghost-role-id');
    });

    it('a role granting a dashboard the dashboards listing does not hold', async () => {
      const site = await emulator({ users: 5, dashboards: 20, seed: 2 });
      const granting = site.state.roles().find((role) => role.permissions.length > 0);
      const gone = granting?.permissions[0]?.object_id;
      site.state.setDashboards(site.state.dashboards().filter((d) => String(d.id) !== gone));
      const result = await readLiveSite(connect(site));
      expect(result.listings.dashboards).toMatchObject({ complete: true, uniqueRecords: 19 });
      expect(result.listings.dashboards?.warnings?.[0]).toMatch(
        new RegExp(
          `^\\d+ dashboard grant\\(s\\) name dashboards the dashboards listing does not hold \\(first: dashboard "${gone}"`,
        ),
      );
      const raw = result.groups.find((group) => group.id === granting?.id)?.raw as {
        dashboards: { id: string; name: string | null }[];
      };
      expect(raw.dashboards.find((d) => d.id === gone)?.name).toBeNull();
    });

    it('users added and removed during the export', async () => {
      const site = await emulator({
        users: 300,
        seed: 9,
        faults: { drift: { afterPage: 2, add: 2, remove: 5 } },
      });
      const result = await readLiveSite(connect(site));
      expect(result.listings.users).toMatchObject({ complete: false, reportedTotal: 297 });
      expect(result.listings.users?.reason).toMatch(/^users: the API reported 297 users, \d+ were collected/);
    });
  });

  describe('fails the site clearly, naming it and never the key', () => {
    it('when the Users and Roles API is off for the site', async () => {
      const site = await emulator({ users: 5, apiEnabled: false });
      for (const attempt of [() => readLiveSite(connect(site)), () => connect(site).verify()]) {
        // One at a time: a rejection must not wait, unhandled, for the other.
        const failure = await siteError(attempt());
        expect(failure.kind).toBe('disabled');
        expect(failure.message).toMatch(
          /^Periscope site "acme": the Users and Roles API for RBAC is not enabled/,
        );
        expect(failure.message).not.toContain(site.apiKey);
      }
    });

    it('when the key is wrong', async () => {
      const site = await emulator({ users: 5 });
      const apiKey = `${site.apiKey}-revoked`;
      for (const attempt of [
        () => readLiveSite(connect(site, { apiKey })),
        () => connect(site, { apiKey }).verify(),
      ]) {
        // One at a time: a rejection must not wait, unhandled, for the other.
        const failure = await siteError(attempt());
        expect(failure.kind).toBe('auth');
        expect(failure.message).toContain('Periscope site "acme"');
        expect(failure.message).not.toContain(apiKey);
      }
      expect(site.requests.every((request) => request.status === 403)).toBe(true);
    });

    it('when the host cannot be reached', async () => {
      // Not in `running`: it is closed here, before the export.
      const site = await startPeriscopeV2Emulator({ site: 'acme', users: 1 });
      await site.close();
      const failure = await siteError(readLiveSite(connect(site, { maxRetries: 0 })));
      expect(failure.kind).toBe('unreachable');
    });
  });

  it('verifies with one users request', async () => {
    const site = await emulator({ users: 150 });
    await connect(site).verify();
    expect(site.requests.map((request) => `${request.path} ${request.status}`)).toEqual([
      '/api/v2/users 200',
    ]);
  });
});

/** The export without its listings, for comparing with the ground truth. */
function fieldsAndRaw(result: LiveSite) {
  return { users: result.users, groups: result.groups };
}
