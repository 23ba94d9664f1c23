import { afterEach, describe, expect, it } from 'vitest';
import {
  type LumAppsEmulator,
  type LumAppsEmulatorOptions,
  type LumAppsUser,
  startLumAppsEmulator,
} from '../../dev/emulators/lumapps/index.ts';
import type { LiveSite } from '../../functions/export/read-live-site.ts';
import { readLiveSite } from '../../functions/export/read-live-site.ts';
import { lumapps } from '../../functions/providers/lumapps/adapter.ts';
import type { Connector } from '../../functions/providers/port.ts';
import type { RestoreStep, RestoreWriter, StepContext } from '../../functions/restore/port.ts';
import type { CanonicalGroup, CanonicalUser } from '../../functions/shared/model.ts';
import { connectForTest } from '../support/connect.ts';

const running: LumAppsEmulator[] = [];
afterEach(async () => {
  // Whatever a test did, the writer never sent a DELETE (LumApps has no user delete; rollcall deletes nothing).
  for (const site of running)
    expect(site.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: LumAppsEmulatorOptions = {}): Promise<LumAppsEmulator> {
  const started = await startLumAppsEmulator({
    users: 60,
    feeds: 6,
    hiddenUsers: 2,
    disabledUsers: 4,
    seed: 11,
    ...options,
  });
  running.push(started);
  return started;
}

function connect(site: LumAppsEmulator): Connector {
  return connectForTest(lumapps, {
    baseUrl: site.url,
    credentials: lumapps.credentialsSchema.parse(site.credentials),
    maxRetries: 2,
  });
}

function writerOf(connector: Connector): RestoreWriter {
  const writer = connector.restoreWriter?.();
  if (writer === undefined) throw new Error('the lumapps connector has no restore writer');
  return writer;
}

/** A context that knows the feeds of `live` (same key) plus any re-created ones (old key → new). */
function contextFor(
  live: LiveSite,
  options: { dryRun?: boolean; recreated?: ReadonlyMap<string, string> } = {},
): StepContext {
  const keys = new Set(live.groups.map((group) => group.key));
  return {
    dryRun: options.dryRun ?? false,
    liveGroupKey: (key) => options.recreated?.get(key) ?? (keys.has(key) ? key : undefined),
  };
}

const userOf = (result: LiveSite, predicate: (user: CanonicalUser) => boolean): CanonicalUser => {
  const user = result.users.find(predicate);
  if (user === undefined) throw new Error('no such user in the export');
  return user;
};
const byEmail = (result: LiveSite, email: string) =>
  result.users.find((user) => user.email?.toLowerCase() === email.toLowerCase());
const groupOf = (result: LiveSite, key: string): CanonicalGroup => {
  const group = result.groups.find((candidate) => candidate.key === key);
  if (group === undefined) throw new Error(`no group ${key} in the export`);
  return group;
};
/** An ordinary member of at least two feeds, visible and enabled, not the admin. */
const member = (site: LumAppsEmulator, result: LiveSite): CanonicalUser =>
  userOf(
    result,
    (user) =>
      user.groups.length >= 2 &&
      user.status === 'active' &&
      user.email !== site.adminEmail &&
      (user.raw as LumAppsUser).isHidden !== true,
  );

describe('lumapps restore writer: capabilities', () => {
  it('creates feeds and users, enables users, adds memberships, and has no server-side dry run', () => {
    const writer = writerOf(
      lumapps.connect({
        baseUrl: 'http://127.0.0.1:9',
        credentials: { organizationId: '1', clientId: 'c', clientSecret: 's', userEmail: 'a@b.example' },
        http: { send: () => Promise.reject(new Error('no request expected')) },
      }),
    );
    expect(writer.capabilities).toMatchObject({
      createsGroups: true,
      createsUsers: true,
      enablesUsers: true,
      addsMemberships: true,
      serverDryRun: false,
    });
    const losses = writer.capabilities.cannotRestore.join('\n');
    expect(losses).toMatch(/new ids/);
    expect(losses).toMatch(/role "feeds\[\]"/);
    expect(losses).toMatch(/asynchronously/);
    expect(losses).toMatch(/no password/);
  });
});

describe('lumapps restore writer against the emulator', () => {
  it('re-creates a deleted feed with a new id, which the next export shows', async () => {
    const site = await emulator();
    const connector = connect(site);
    const before = await readLiveSite(connector);
    const lost = groupOf(before, site.state.feeds()[1]?.id ?? '');
    expect(site.state.removeFeed(lost.key)).toBe(true);

    const outcome = await writerOf(connector).perform(
      { kind: 'create-group', group: lost },
      contextFor(before),
    );
    expect(outcome).toMatchObject({ status: 'done', liveKey: expect.stringMatching(/^\d{16}$/) });
    const liveKey = outcome.status === 'done' ? (outcome.liveKey ?? '') : '';
    expect(liveKey).not.toBe(lost.key);
    expect(outcome.detail).toContain(`as ${liveKey}`);

    const after = await readLiveSite(connector);
    const recreated = groupOf(after, liveKey);
    expect(recreated).toMatchObject({ name: lost.name, memberCount: 0 });
    const raw = lost.raw as Record<string, unknown>;
    expect(recreated.raw).toMatchObject({
      type: raw.type,
      heritable: raw.heritable,
      ...(raw.instance === undefined ? {} : { instance: raw.instance }),
    });
    expect(after.groups.map((group) => group.key)).not.toContain(lost.key);
    expect(site.writes.map((request) => [request.write.route, request.write.action, request.status])).toEqual(
      [['feed/save', 'create', 200]],
    );
  });

  it('says a re-created synchronised feed is linked to its identity-provider group again', async () => {
    const site = await emulator();
    const connector = connect(site);
    const before = await readLiveSite(connector);
    const synced = before.groups.find((group) => (group.raw as { group?: string }).group !== undefined);
    expect(synced).toBeDefined();
    const group = synced as CanonicalGroup;
    site.state.removeFeed(group.key);
    const outcome = await writerOf(connector).perform({ kind: 'create-group', group }, contextFor(before));
    expect(outcome.status).toBe('done');
    expect(outcome.detail).toMatch(/identity provider group .*asynchronously/);
    const liveKey = outcome.status === 'done' ? (outcome.liveKey ?? '') : '';
    expect(site.state.getFeed(liveKey)).toMatchObject({
      synchronized: true,
      group: (group.raw as { group: string }).group,
    });
  });

  it('creates a lost user again, directly in its feeds (a re-created one mapped to its new id)', async () => {
    const site = await emulator();
    const connector = connect(site);
    const writer = writerOf(connector);
    const before = await readLiveSite(connector);
    const lost = member(site, before);
    const [recreatedKey, ...kept] = lost.groups as [string, ...string[]];
    // The user and one of its feeds are gone; the feed comes back first, with a new id.
    site.state.removeUser(lost.key);
    site.state.removeFeed(recreatedKey);
    const feedOutcome = await writer.perform(
      { kind: 'create-group', group: groupOf(before, recreatedKey) },
      contextFor(before),
    );
    const newFeed = feedOutcome.status === 'done' ? (feedOutcome.liveKey ?? '') : '';
    expect(newFeed).toMatch(/^\d{16}$/);
    const live = await readLiveSite(connector);

    const outcome = await writer.perform(
      { kind: 'create-user', user: lost, groups: lost.groups },
      contextFor(live, { recreated: new Map([[recreatedKey, newFeed]]) }),
    );
    expect(outcome).toMatchObject({ status: 'done', liveKey: expect.stringMatching(/^\d{16}$/) });
    expect(outcome.detail).toMatch(/without a password/);
    const liveKey = outcome.status === 'done' ? (outcome.liveKey ?? '') : '';
    expect(liveKey).not.toBe(lost.key);

    const after = await readLiveSite(connector);
    const restored = byEmail(after, lost.email ?? '');
    expect(restored).toMatchObject({
      key: liveKey,
      email: lost.email,
      firstName: lost.firstName,
      lastName: lost.lastName,
      status: 'active',
    });
    expect(restored?.groups).toEqual([newFeed, ...kept].sort());
    expect((restored?.raw as LumAppsUser | undefined)?.accountType).toBe('external');
    // One create, then one membership change per feed; no password was ever sent.
    const writes = site.writes.map((request) => request.write);
    expect(writes.map((write) => write.route)).toEqual([
      'feed/save',
      'user/save',
      ...lost.groups.map(() => 'feed/subscribers/save'),
    ]);
    expect(writes[1]?.fields).toEqual(
      expect.arrayContaining(['accountType', 'email', 'firstName', 'lastName']),
    );
    expect(writes[1]?.fields).not.toContain('password');
  });

  it('answers "exists" with the live id when the e-mail is already on the site, changing nothing', async () => {
    const site = await emulator();
    const connector = connect(site);
    const before = await readLiveSite(connector);
    const present = member(site, before);
    const outcome = await writerOf(connector).perform(
      { kind: 'create-user', user: present, groups: present.groups },
      contextFor(before),
    );
    expect(outcome).toMatchObject({ status: 'exists', liveKey: present.key });
    expect(site.writes.map((request) => [request.write.route, request.status])).toEqual([['user/save', 409]]);
  });

  it('enables a disabled user by saving the whole object back with status "enabled"', async () => {
    const site = await emulator();
    const connector = connect(site);
    const snapshot = await readLiveSite(connector);
    const user = member(site, snapshot);
    site.state.updateUser(user.key, { status: 'disabled' });

    const outcome = await writerOf(connector).perform(
      { kind: 'enable-user', user, liveKey: user.key },
      contextFor(snapshot),
    );
    expect(outcome).toMatchObject({ status: 'done', liveKey: user.key });
    const after = await readLiveSite(connector);
    expect(userOf(after, (candidate) => candidate.key === user.key)).toMatchObject({
      status: 'active',
      groups: user.groups,
    });
    const [save] = site.writes;
    expect(save?.write).toMatchObject({
      route: 'user/save',
      action: 'update',
      id: user.key,
      status: 'enabled',
    });
    // The whole object, as user/get returned it: the documented update.
    expect(save?.write.fields).toEqual(
      expect.arrayContaining(['subscriptions', 'createdAt', 'customer', 'email']),
    );
    expect(site.requests.map((request) => request.kind)).toContain('user-detail');
  });

  it('leaves a hidden user hidden when enabling it, and says so', async () => {
    const site = await emulator();
    const connector = connect(site);
    const snapshot = await readLiveSite(connector);
    const user = member(site, snapshot);
    site.state.updateUser(user.key, { status: 'disabled', isHidden: true });
    const outcome = await writerOf(connector).perform(
      { kind: 'enable-user', user, liveKey: user.key },
      contextFor(snapshot),
    );
    expect(outcome.status).toBe('done');
    expect(outcome.detail).toMatch(/stays hidden .*snapshot had it visible/);
    expect(site.state.getUser(user.key)).toMatchObject({ status: 'enabled', isHidden: true });
  });

  it('adds lost memberships to an existing user, skipping the feeds it is still in', async () => {
    const site = await emulator();
    const connector = connect(site);
    const snapshot = await readLiveSite(connector);
    const user = member(site, snapshot);
    const [kept, ...lost] = user.groups as [string, ...string[]];
    site.state.updateUser(user.key, {
      subscriptions: (site.state.getUser(user.key)?.subscriptions ?? []).filter(
        (subscription) => !lost.includes(subscription.feed),
      ),
    });
    const live = await readLiveSite(connector);
    expect(userOf(live, (candidate) => candidate.key === user.key).groups).toEqual([kept]);
    site.resetRequestLog();

    const outcome = await writerOf(connector).perform(
      { kind: 'add-memberships', user, liveKey: user.key, liveGroups: [kept], groups: user.groups },
      contextFor(live),
    );
    expect(outcome).toMatchObject({ status: 'done' });
    const after = await readLiveSite(connector);
    expect(userOf(after, (candidate) => candidate.key === user.key).groups).toEqual(user.groups);
    expect(site.writes.map((request) => request.write)).toEqual(
      lost.map((feed) => ({
        route: 'feed/subscribers/save',
        fields: ['addedUsers', 'feed', 'removedUsers'],
        feed,
        addedUsers: [user.key],
        removedUsers: [],
      })),
    );
  });

  it('sends no request at all in a dry run, and says what it checked locally', async () => {
    const site = await emulator();
    const connector = connect(site);
    const writer = writerOf(connector);
    const snapshot = await readLiveSite(connector);
    const user = member(site, snapshot);
    const group = groupOf(snapshot, user.groups[0] ?? '');
    const context = contextFor(snapshot, { dryRun: true });
    site.resetRequestLog();
    const steps: RestoreStep[] = [
      { kind: 'create-group', group },
      { kind: 'create-user', user, groups: user.groups },
      { kind: 'enable-user', user, liveKey: user.key },
      { kind: 'add-memberships', user, liveKey: user.key, liveGroups: [], groups: user.groups },
    ];
    for (const step of steps) {
      const outcome = await writer.perform(step, context);
      expect(outcome).toMatchObject({
        status: 'validated',
        detail: expect.stringMatching(/^checked locally: /),
      });
    }
    expect(site.writes).toEqual([]);
    expect(site.requests).toEqual([]);
    expect(site.state.feedCount).toBe(snapshot.groups.length);
  });

  it('refuses locally in a dry run what LumApps would refuse: no name or type, no e-mail or name', async () => {
    const site = await emulator();
    const connector = connect(site);
    const writer = writerOf(connector);
    const snapshot = await readLiveSite(connector);
    const user = member(site, snapshot);
    const group = groupOf(snapshot, user.groups[0] ?? '');
    const context = contextFor(snapshot, { dryRun: true });
    site.resetRequestLog();
    const { type: _type, ...untyped } = group.raw as Record<string, unknown>;
    const { email: _email, ...noEmail } = user;
    const cases: [RestoreStep, RegExp][] = [
      [{ kind: 'create-group', group: { ...group, raw: untyped } }, /no feed type/],
      [{ kind: 'create-group', group: { ...group, name: ' ' } }, /no name/],
      [{ kind: 'create-user', user: { ...noEmail, raw: {} }, groups: [] }, /no usable e-mail/],
      [{ kind: 'create-user', user: { ...user, lastName: undefined, raw: {} }, groups: [] }, /no last name/],
    ];
    for (const [step, detail] of cases) {
      expect(await writer.perform(step, context)).toEqual({
        status: 'rejected',
        detail: expect.stringMatching(detail),
      });
    }
    // A feed the plan re-creates first has no live key in a dry run: checked without it, and said.
    const pending = await writer.perform(
      {
        kind: 'add-memberships',
        user,
        liveKey: user.key,
        liveGroups: [],
        groups: ['5000000000000000', ...user.groups],
      },
      context,
    );
    expect(pending).toEqual({
      status: 'validated',
      detail: expect.stringMatching(/would be added to .*Feed "5000000000000000" is not on the site yet/),
    });
    expect(site.requests).toEqual([]);
  });

  it('rejects a membership in a feed that has no live key, naming it, and sends nothing', async () => {
    const site = await emulator();
    const connector = connect(site);
    const writer = writerOf(connector);
    const snapshot = await readLiveSite(connector);
    const user = member(site, snapshot);
    const gone = user.groups[1] ?? '';
    site.state.removeFeed(gone);
    const live = await readLiveSite(connector);
    site.resetRequestLog();

    const outcome = await writer.perform(
      { kind: 'add-memberships', user, liveKey: user.key, liveGroups: [], groups: user.groups },
      contextFor(live),
    );
    expect(outcome).toEqual({
      status: 'rejected',
      detail: expect.stringContaining(`feed "${gone}" of the snapshot`),
    });
    expect(outcome.detail).toMatch(/no membership was added/);
    site.state.removeUser(user.key);
    const created = await writer.perform(
      { kind: 'create-user', user, groups: user.groups },
      contextFor(live),
    );
    expect(created).toEqual({ status: 'rejected', detail: expect.stringContaining(`"${gone}"`) });
    expect(site.writes).toEqual([]);
  });

  it("rejects with LumApps' own reason what the site refuses", async () => {
    const site = await emulator();
    const connector = connect(site);
    const writer = writerOf(connector);
    const snapshot = await readLiveSite(connector);
    const group = groupOf(snapshot, site.state.feeds()[0]?.id ?? '');
    // A snapshot record the API refuses: an identity provider the feed link does not accept.
    const odd = {
      ...group,
      raw: { ...(group.raw as object), group: 'g@x.example', identityProvider: 'okta' },
    };
    const refused = await writer.perform({ kind: 'create-group', group: odd }, contextFor(snapshot));
    expect(refused).toEqual({
      status: 'rejected',
      detail: expect.stringMatching(
        /refused to create it \(HTTP 400: Invalid value for field identityProvider/,
      ),
    });

    const user = member(site, snapshot);
    const stranger = await writer.perform(
      { kind: 'add-memberships', user, liveKey: '4999999999999999', liveGroups: [], groups: user.groups },
      contextFor(snapshot),
    );
    expect(stranger).toEqual({
      status: 'rejected',
      detail: expect.stringMatching(/refused to add it to feed .*HTTP 400: Unknown user: "4999999999999999"/),
    });
    const missing = await writer.perform(
      { kind: 'enable-user', user, liveKey: '4999999999999999' },
      contextFor(snapshot),
    );
    expect(missing).toEqual({
      status: 'rejected',
      detail: expect.stringMatching(/no such user \(HTTP 404: User not found/),
    });
    expect(site.state.feedCount).toBe(snapshot.groups.length);
  });

  it('never repeats a create the site failed: a 503 may have been applied; a rate-limited one was not, so it is sent again', async () => {
    const site = await emulator({ faults: { serverErrors: { route: 'write', count: 1, status: 503 } } });
    const connector = connect(site);
    const writer = writerOf(connector);
    const snapshot = await readLiveSite(connector);
    const group = groupOf(snapshot, site.state.feeds()[2]?.id ?? '');
    site.state.removeFeed(group.key);

    const failed = await writer.perform({ kind: 'create-group', group }, contextFor(snapshot));
    expect(failed).toEqual({
      status: 'rejected',
      detail: expect.stringMatching(/HTTP 503 .*may have been applied/),
    });
    site.setFaults({ rateLimit: { route: 'write', count: 1, retryAfterSeconds: 0 } });
    const limited = await writer.perform({ kind: 'create-group', group }, contextFor(snapshot));
    expect(limited).toMatchObject({ status: 'done' });
    expect(site.writes.map((request) => request.status)).toEqual([503, 429, 200]);
    expect(site.state.feedCount).toBe(snapshot.groups.length);

    site.state.removeFeed((limited as { liveKey: string }).liveKey);
    site.setFaults({ quotaExceeded: { route: 'write', count: Number.POSITIVE_INFINITY } });
    const exhausted = await writer.perform({ kind: 'create-group', group }, contextFor(snapshot));
    expect(exhausted).toEqual({
      status: 'rejected',
      detail: expect.stringMatching(
        /kept rate-limiting the request \(.*HTTP 400 \(rate limited\).*\), so nothing was created/,
      ),
    });
    expect(site.state.feedCount).toBe(snapshot.groups.length - 1);
  });

  it('retries a membership change (safe to repeat) and renews an expired token before a write', async () => {
    const site = await emulator();
    const connector = connect(site);
    const snapshot = await readLiveSite(connector);
    const user = member(site, snapshot);
    const [kept, lost] = user.groups as [string, string];
    site.state.updateUser(user.key, {
      subscriptions: (site.state.getUser(user.key)?.subscriptions ?? []).filter((s) => s.feed !== lost),
    });
    site.setFaults({ serverErrors: { route: 'write', count: 1, status: 502 } });
    site.expireTokens();

    const outcome = await writerOf(connector).perform(
      { kind: 'add-memberships', user, liveKey: user.key, liveGroups: [kept], groups: [lost] },
      contextFor(snapshot),
    );
    expect(outcome.status).toBe('done');
    expect(site.state.feedsOf(user.key)).toContain(lost);
    expect(site.writes.slice(-3).map((request) => request.status)).toEqual([502, 401, 204]);
    const details = JSON.stringify(outcome);
    expect(details).not.toContain(site.clientSecret);
  });
});
