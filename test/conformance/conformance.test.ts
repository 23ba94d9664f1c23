import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorFaults } from '../../dev/emulators/shared/faults.ts';
import type { LiveSite } from '../../functions/export/read-live-site.ts';
import { readLiveSite } from '../../functions/export/read-live-site.ts';
import { SiteError } from '../../functions/shared/errors.ts';
import { connectForTest } from '../support/connect.ts';
import type { ConformanceSite, ConformanceSiteOptions, ProviderHarness } from './harness.ts';
import { harnesses } from './providers/index.ts';

/**
 * One suite every connector must pass against its emulator: the exported set equals the
 * emulator's ground truth field by field, at every page boundary, with every fault either
 * recovered or reported as incomplete, never silently short.
 */
describe.each(harnesses.map((harness) => [harness.adapter.id, harness] as const))('%s', (_id, harness) => {
  const sites: ConformanceSite[] = [];
  afterEach(async () => {
    await Promise.all(sites.splice(0).map((site) => site.close()));
  });

  async function start(options: ConformanceSiteOptions): Promise<ConformanceSite> {
    const site = await harness.start(options);
    sites.push(site);
    return site;
  }

  const page = harness.pageSize;

  it.each([
    ['an empty site', 0],
    ['one user short of a page', page - 1],
    ['exactly one page', page],
    ['one user into a second page', page + 1],
    ['many pages', 3 * page + 7],
  ])('%s: exports exactly the ground truth', async (_name, users) => {
    const site = await start({ users, groups: 4 });
    const result = await exportOf(harness, site);
    expectComplete(result);
    expect(fieldsOf(result)).toEqual(site.expected());
  });

  it('exports the ground truth with a memory budget so small that every export spills several runs', async () => {
    const site = await start({ users: 3 * page + 7, groups: 4, inactiveUsers: true });
    const result = await exportOf(harness, site, site.credentials, { memoryBudgetBytes: tinyMemoryBudget });
    expectComplete(result);
    expect(fieldsOf(result)).toEqual(site.expected());
  });

  it('includes every inactive user (hidden, disabled, locked), each with its status', async () => {
    const site = await start({ users: page + 3, groups: 3, inactiveUsers: true });
    const result = await exportOf(harness, site);
    expectComplete(result);
    expect(fieldsOf(result)).toEqual(site.expected());
    const statuses = new Set(result.users.map((user) => user.status));
    for (const status of harness.inactiveStatuses) expect(statuses).toContain(status);
  });

  const recoverable: [string, EmulatorFaults][] = [
    [
      '429 with Retry-After',
      { rateLimit: { route: 'users-list', after: 1, count: 2, retryAfterSeconds: 0 } },
    ],
    ['a burst of 5xx', { serverErrors: { route: 'users-list', after: 1, count: 2, status: 503 } }],
    ['a reset connection', { resetConnection: { route: 'users-list', after: 1, count: 1 } }],
    ['a truncated body', { truncatedBody: { route: 'users-list', after: 1, count: 1 } }],
    ['a 5xx on the groups listing', { serverErrors: { route: 'groups-list', after: 0, count: 1 } }],
    ['latency', { latencyMs: 5 }],
  ];
  it.each(recoverable)('recovers from %s and still exports the ground truth', async (_name, faults) => {
    const site = await start({ users: 2 * page + 5, groups: 3, faults });
    const result = await exportOf(harness, site);
    expectComplete(result);
    expect(fieldsOf(result)).toEqual(site.expected());
  });

  it('reports the users listing incomplete when a later page keeps failing, keeping what it read', async () => {
    const site = await start({
      users: 3 * page,
      groups: 2,
      faults: { serverErrors: { route: 'users-list', after: 1, count: Number.POSITIVE_INFINITY } },
    });
    const result = await exportOf(harness, site);
    expect(result.listings.users?.complete).toBe(false);
    expect(result.listings.users?.reason).toBeTruthy();
    expect(result.users.length).toBeLessThan(site.expected().users.length);
  });

  it('ends a listing whose cursor repeats as incomplete instead of looping', async () => {
    const site = await start({ users: 4 * page, groups: 2, faults: { repeatCursor: { fromPage: 2 } } });
    const result = await exportOf(harness, site);
    expect(result.listings.users?.complete).toBe(false);
    expect(result.listings.users?.reason).toBeTruthy();
  });

  it('never calls a listing that drifted under it complete unless it holds exactly the site as it ended', async () => {
    const site = await start({
      users: 4 * page,
      groups: 2,
      faults: { drift: { afterPage: 2, add: 4, remove: 5 } },
    });
    const result = await exportOf(harness, site);
    if (result.listings.users?.complete) expect(fieldsOf(result).users).toEqual(site.expected().users);
    else expect(result.listings.users?.reason).toBeTruthy();
  });

  it('fails clearly, naming the site and never the secret, when the credentials are wrong', async () => {
    const site = await start({ users: 5, groups: 1 });
    const failure = await exportOf(harness, site, site.wrongCredentials).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SiteError);
    expect((failure as SiteError).kind).toBe('auth');
    for (const secret of harness.adapter.secretsOf(site.wrongCredentials))
      expect((failure as Error).message).not.toContain(secret);
  });
});

/** Small enough that a few users fill it: every export below spills several sorted runs to disk. */
const tinyMemoryBudget = 4 * 1024;

function exportOf(
  harness: ProviderHarness,
  site: ConformanceSite,
  credentials: unknown = site.credentials,
  options: { readonly memoryBudgetBytes?: number } = {},
): Promise<LiveSite> {
  const { adapter } = harness;
  return readLiveSite(
    connectForTest(adapter, {
      baseUrl: site.baseUrl,
      credentials: adapter.credentialsSchema.parse(credentials),
      concurrency: 8,
    }),
    options,
  );
}

function expectComplete(result: LiveSite): void {
  const incomplete = Object.entries(result.listings).filter(([, listing]) => !listing.complete);
  expect(incomplete.map(([name, listing]) => `${name}: ${listing.reason}`)).toEqual([]);
}

function fieldsOf(result: LiveSite) {
  return {
    users: result.users.map(({ raw: _raw, ...fields }) => fields),
    groups: result.groups.map(({ raw: _raw, ...fields }) => fields),
  };
}
