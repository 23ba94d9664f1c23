import { afterEach, describe, expect, it } from 'vitest';
import {
  startTrivoreEmulator,
  type TrivoreEmulator,
  type TrivoreEmulatorOptions,
  type TrivoreGroup,
  type TrivoreUser,
} from '../../dev/emulators/trivore/index.ts';
import type { LiveSite } from '../../functions/export/read-live-site.ts';
import { readLiveSite } from '../../functions/export/read-live-site.ts';
import { trivore } from '../../functions/providers/trivore/adapter.ts';
import type { RestoreStep, RestoreWriter, StepContext } from '../../functions/restore/port.ts';
import type { CanonicalGroup, CanonicalUser } from '../../functions/shared/model.ts';
import { connectForTest, siteErrorOf } from '../support/connect.ts';

const running: TrivoreEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: TrivoreEmulatorOptions = {}): Promise<TrivoreEmulator> {
  const started = await startTrivoreEmulator({ users: 15, groups: 5, ...options });
  running.push(started);
  return started;
}

function connect(site: TrivoreEmulator, overrides: { fetch?: typeof fetch; clientSecret?: string } = {}) {
  return connectForTest(trivore, {
    baseUrl: site.url,
    credentials: {
      ...site.credentials,
      clientSecret: overrides.clientSecret ?? site.credentials.clientSecret,
    },
    ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
  });
}

function writerOf(site: TrivoreEmulator, overrides: Parameters<typeof connect>[1] = {}): RestoreWriter {
  const writer = connect(site, overrides).restoreWriter?.();
  if (!writer) throw new Error('the trivore connector has no restore writer');
  return writer;
}

/**
 * Snapshot group key → live key: what the restore passes. `created` holds groups made again in
 * this restore; any other group is live when the site still has its id.
 */
function context(site: TrivoreEmulator, created: Record<string, string> = {}, dryRun = false): StepContext {
  return {
    dryRun,
    liveGroupKey: (key) => created[key] ?? (site.state.getGroup(key) ? key : undefined),
  };
}

const userIn = (snapshot: LiveSite, key: string) =>
  snapshot.users.find((user) => user.key === key) as CanonicalUser;
const groupIn = (snapshot: LiveSite, key: string) =>
  snapshot.groups.find((group) => group.key === key) as CanonicalGroup;

/** A user with an e-mail address, in at least two groups, who is not locked. */
function memberOfTwo(site: TrivoreEmulator): TrivoreUser {
  const user = site.state
    .users()
    .find((u) => u.memberOf.length >= 2 && u.emails.length > 0 && !u.locked && u.mfaMethod !== 'NONE');
  if (!user) throw new Error('the seeded site has no user in two groups');
  return user;
}

const writes = (site: TrivoreEmulator) => site.writes();

describe('trivore restore writer', () => {
  it('declares what Trivore ID can and cannot put back', () => {
    const writer = connectForTest(trivore, {
      baseUrl: 'http://127.0.0.1:9',
      credentials: { clientId: '1', clientSecret: 's' },
    }).restoreWriter?.();
    expect(writer?.capabilities).toMatchObject({
      createsGroups: true,
      createsUsers: true,
      enablesUsers: false,
      addsMemberships: true,
      serverDryRun: false,
    });
    const text = writer?.capabilities.cannotRestore.join('\n') ?? '';
    for (const loss of ['new ids', 'memberOf', 'passwords', 'MFA', 'meta.created', 'never unlocks']) {
      expect(text).toContain(loss);
    }
  });

  it('creates a deleted group again: a new id, visible with its name and description in the next export', async () => {
    const site = await emulator();
    const snapshot = await readLiveSite(connect(site));
    const old = site.state.groups().find((group) => group.description) as TrivoreGroup;
    site.state.removeGroup(old.id);

    const outcome = await writerOf(site).perform(
      { kind: 'create-group', group: groupIn(snapshot, old.id) },
      context(site),
    );
    expect(outcome).toMatchObject({ status: 'done', liveKey: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const liveKey = (outcome as { liveKey: string }).liveKey;
    expect(liveKey).not.toBe(old.id);

    const after = await readLiveSite(connect(site));
    expect(after.groups.find((group) => group.key === liveKey)).toMatchObject({
      id: liveKey,
      name: old.name,
      description: old.description,
    });
    expect(after.groups.map((group) => group.key)).not.toContain(old.id);
    // The snapshot's record minus what the server owns: no id, no meta.
    const [post] = writes(site);
    expect(post).toMatchObject({
      method: 'POST',
      path: '/api/rest/v1/group',
      status: 201,
      createdId: liveKey,
    });
    expect(post?.body).toEqual({
      name: old.name,
      description: old.description,
      nsCode: old.nsCode,
      memberOf: old.memberOf.filter((parent) => site.state.getGroup(parent)),
    });
  });

  it('creates a deleted user into a re-created group, memberOf remapped, nothing server-owned sent', async () => {
    const site = await emulator();
    const user = memberOfTwo(site);
    const snapshot = await readLiveSite(connect(site));
    const [lostGroup, keptGroup] = user.memberOf as [string, string];
    site.state.removeUser(user.id);
    site.state.removeGroup(lostGroup);
    const writer = writerOf(site);

    const group = await writer.perform(
      { kind: 'create-group', group: groupIn(snapshot, lostGroup) },
      context(site),
    );
    const newGroup = (group as { liveKey: string }).liveKey;
    const groupsBefore = site.state.groupCount;
    const created = await writer.perform(
      { kind: 'create-user', user: userIn(snapshot, user.id), groups: [lostGroup, keptGroup] },
      context(site, { [lostGroup]: newGroup }),
    );
    expect(created).toMatchObject({ status: 'done', liveKey: expect.any(String) });
    const liveKey = (created as { liveKey: string }).liveKey;
    expect(liveKey).not.toBe(user.id);

    const after = await readLiveSite(connect(site));
    const restored = after.users.find((u) => u.key === liveKey);
    expect(restored).toMatchObject({
      email: userIn(snapshot, user.id).email,
      firstName: user.name.givenName,
      lastName: user.name.familyName,
      status: 'active',
      groups: [newGroup, keptGroup].sort(),
      // MFA enrolment does not come back.
      mfaEnabled: false,
    });
    expect(after.groups.find((g) => g.key === newGroup)?.memberCount).toBe(1);
    // No group was spawned from an old id sent as a name.
    expect(site.state.groupCount).toBe(groupsBefore);
    const post = writes(site).find((write) => write.path === '/api/rest/v1/user');
    expect(post?.autoCreatedGroups).toBeUndefined();
    expect(post?.body).toEqual({
      username: user.username,
      userAccountType: user.userAccountType,
      nsCode: user.nsCode,
      emails: user.emails,
      mobiles: user.mobiles,
      name: user.name,
      memberOf: [newGroup, keptGroup],
    });
  });

  it('creates a user locked in the snapshot locked: a restore never unlocks anyone', async () => {
    const site = await emulator();
    const locked = site.state.users().find((user) => user.locked && user.emails.length > 0) as TrivoreUser;
    const snapshot = await readLiveSite(connect(site));
    site.state.removeUser(locked.id);
    const outcome = await writerOf(site).perform(
      { kind: 'create-user', user: userIn(snapshot, locked.id), groups: locked.memberOf },
      context(site),
    );
    expect(site.state.getUser((outcome as { liveKey: string }).liveKey)?.locked).toBe(true);

    const enable = await writerOf(site).perform(
      { kind: 'enable-user', user: userIn(snapshot, locked.id), liveKey: locked.id },
      context(site),
    );
    expect(enable.status).toBe('rejected');
    expect(enable).toMatchObject({ detail: expect.stringContaining('security decision') });
    expect(writes(site)).toHaveLength(1);
  });

  it('adds lost memberships by writing back the whole record: existing groups and fields are kept', async () => {
    const site = await emulator();
    const user = memberOfTwo(site);
    const snapshot = await readLiveSite(connect(site));
    const [lost, ...kept] = user.memberOf as [string, ...string[]];
    site.state.updateUser(user.id, { memberOf: kept });
    // Joined on the site after the plan was made: must survive the write.
    const joinedSince = site.state
      .groups()
      .find((group) => !user.memberOf.includes(group.id)) as TrivoreGroup;
    site.state.updateUser(user.id, { memberOf: [...kept, joinedSince.id] });

    const step: RestoreStep = {
      kind: 'add-memberships',
      user: userIn(snapshot, user.id),
      liveKey: user.id,
      liveGroups: kept,
      groups: [lost],
    };
    const outcome = await writerOf(site).perform(step, context(site));
    expect(outcome).toMatchObject({ status: 'done', detail: expect.stringContaining('added 1 group') });
    const live = site.state.getUser(user.id);
    expect(live?.memberOf).toEqual([...kept, joinedSince.id, lost]);
    expect(live).toMatchObject({
      emails: user.emails,
      name: user.name,
      mobiles: user.mobiles,
      mfaMethod: user.mfaMethod,
    });
    expect(writes(site).map((write) => `${write.method} ${write.status}`)).toEqual(['PUT 200']);
    const after = await readLiveSite(connect(site));
    expect(after.users.find((u) => u.key === user.id)?.groups).toEqual(
      [...kept, joinedSince.id, lost].sort(),
    );

    // Again: nothing is missing, so nothing is sent.
    site.resetRequestLog();
    expect(await writerOf(site).perform(step, context(site))).toMatchObject({ status: 'exists' });
    expect(writes(site)).toEqual([]);
  });

  it('sends no write in a dry run, checks each step locally and says so', async () => {
    const site = await emulator();
    const user = memberOfTwo(site);
    const snapshot = await readLiveSite(connect(site));
    const [lostGroup, keptGroup] = user.memberOf as [string, string];
    site.state.removeUser(user.id);
    site.state.removeGroup(lostGroup);
    site.resetRequestLog();
    const before = { users: site.state.users(), groups: site.state.groups() };
    const writer = writerOf(site);
    const dry = context(site, {}, true);

    const group = await writer.perform({ kind: 'create-group', group: groupIn(snapshot, lostGroup) }, dry);
    // In a dry run the group is not created, so the user's step has no live key for it yet.
    const created = await writer.perform(
      { kind: 'create-user', user: userIn(snapshot, user.id), groups: [lostGroup, keptGroup] },
      dry,
    );
    const other = site.state.users().find((u) => !u.memberOf.includes(keptGroup)) as TrivoreUser;
    const added = await writer.perform(
      {
        kind: 'add-memberships',
        user: userIn(snapshot, other.id),
        liveKey: other.id,
        liveGroups: other.memberOf,
        groups: [keptGroup],
      },
      dry,
    );
    for (const outcome of [group, created, added]) {
      expect(outcome).toMatchObject({
        status: 'validated',
        detail: expect.stringMatching(/^checked locally: /),
      });
    }
    expect(created).toMatchObject({ detail: expect.stringContaining(`"${lostGroup}" yet`) });
    expect(writes(site)).toEqual([]);
    expect(site.requests).toEqual([]);
    expect({ users: site.state.users(), groups: site.state.groups() }).toEqual(before);
  });

  it('rejects a step whose snapshot group has no live key, naming it, and sends nothing', async () => {
    const site = await emulator();
    const user = memberOfTwo(site);
    const snapshot = await readLiveSite(connect(site));
    const [lostGroup, keptGroup] = user.memberOf as [string, string];
    site.state.removeGroup(lostGroup);
    site.state.removeUser(user.id);
    site.resetRequestLog();
    const writer = writerOf(site);

    const created = await writer.perform(
      { kind: 'create-user', user: userIn(snapshot, user.id), groups: [lostGroup, keptGroup] },
      context(site),
    );
    expect(created.status).toBe('rejected');
    expect(created).toMatchObject({ detail: expect.stringContaining(`"${lostGroup}"`) });

    const other = site.state.users()[0] as TrivoreUser;
    const added = await writer.perform(
      {
        kind: 'add-memberships',
        user: userIn(snapshot, other.id),
        liveKey: other.id,
        liveGroups: other.memberOf,
        groups: [lostGroup],
      },
      context(site),
    );
    expect(added).toMatchObject({ status: 'rejected', detail: expect.stringContaining(`"${lostGroup}"`) });
    expect(site.requests).toEqual([]);
    expect(site.state.userCount).toBe(14);
  });

  it('rejects a write the site refuses, with the reason in its own words', async () => {
    const site = await emulator({ deniedPermissions: ['GROUP_CREATE'] });
    const snapshot = await readLiveSite(connect(site));
    const group = site.state.groups()[0] as TrivoreGroup;
    site.state.removeGroup(group.id);
    const refused = await writerOf(site).perform(
      { kind: 'create-group', group: groupIn(snapshot, group.id) },
      context(site),
    );
    expect(refused.status).toBe('rejected');
    expect(refused).toMatchObject({
      detail: expect.stringContaining(
        'lacks the permission GROUP_CREATE (HTTP 403: "Client does not have required permission GROUP_CREATE.")',
      ),
    });
    expect(site.state.groupCount).toBe(4);

    // A record the server finds invalid: its 400 message is the reason.
    const user = site.state.users()[5] as TrivoreUser;
    const bad = userIn(snapshot, user.id);
    site.state.removeUser(user.id);
    const invalid = await writerOf(site).perform(
      {
        kind: 'create-user',
        user: { ...bad, raw: { ...(bad.raw as object), emails: [{ address: 'not an address' }] } },
        groups: [],
      },
      context(site),
    );
    expect(invalid).toMatchObject({
      status: 'rejected',
      detail: expect.stringContaining('HTTP 400: "Invalid user: emails[0].address is not an e-mail address"'),
    });
  });

  it('answers exists, with the live id, when a create meets a duplicate', async () => {
    const site = await emulator();
    const snapshot = await readLiveSite(connect(site));
    const group = site.state.groups()[3] as TrivoreGroup;
    const user = site.state.users().find((u) => u.emails.length > 0) as TrivoreUser;
    const writer = writerOf(site);

    // Still on the site under the same name and username: the server answers 409.
    const again = await writer.perform(
      { kind: 'create-group', group: groupIn(snapshot, group.id) },
      context(site),
    );
    expect(again).toMatchObject({
      status: 'exists',
      liveKey: group.id,
      detail: expect.stringContaining('Group name is already in use'),
    });
    const twice = await writer.perform(
      { kind: 'create-user', user: userIn(snapshot, user.id), groups: [] },
      context(site),
    );
    expect(twice).toMatchObject({ status: 'exists', liveKey: user.id });
    expect(site.state.groupCount).toBe(5);
    expect(site.state.userCount).toBe(15);
  });

  it('looks before sending a POST again: a lost answer never creates a group twice', async () => {
    const site = await emulator();
    const snapshot = await readLiveSite(connect(site));
    const [first, second] = site.state.groups() as [TrivoreGroup, TrivoreGroup];
    site.state.removeGroup(first.id);
    site.state.removeGroup(second.id);

    // Created, but the 201's body is cut off: the group is found, not created again.
    site.setFaults({ truncatedBody: { route: 'write', count: 1 } });
    const cut = await writerOf(site).perform(
      { kind: 'create-group', group: groupIn(snapshot, first.id) },
      context(site),
    );
    expect(cut).toMatchObject({ status: 'done', detail: expect.stringContaining('answer was lost') });
    expect(site.state.groups().filter((group) => group.name === first.name)).toEqual([
      expect.objectContaining({ id: (cut as { liveKey: string }).liveKey }),
    ]);
    expect(writes(site)).toHaveLength(1);

    // Refused with a 503 before anything happened: not found, so sent once more.
    site.resetRequestLog();
    site.setFaults({ serverErrors: { route: 'write', count: 1, status: 503 } });
    const retried = await writerOf(site).perform(
      { kind: 'create-group', group: groupIn(snapshot, second.id) },
      context(site),
    );
    expect(retried).toMatchObject({ status: 'done', liveKey: expect.any(String) });
    expect(writes(site).map((write) => write.status)).toEqual([503, 201]);
    expect(site.state.groupCount).toBe(5);
  });

  it('rejects a create the server keeps failing, after looking each time, having created nothing', async () => {
    const site = await emulator({ faults: { serverErrors: { route: 'write', count: Infinity } } });
    const snapshot = await readLiveSite(connect(site));
    const group = site.state.groups()[0] as TrivoreGroup;
    site.state.removeGroup(group.id);
    const outcome = await writerOf(site).perform(
      { kind: 'create-group', group: groupIn(snapshot, group.id) },
      context(site),
    );
    expect(outcome).toMatchObject({ status: 'rejected', detail: expect.stringContaining('failed 3 times') });
    expect(writes(site)).toHaveLength(3);
    expect(site.state.groupCount).toBe(4);
  });

  it('throws when the site is unusable (credentials refused), and never shows the secret', async () => {
    const site = await emulator();
    const snapshot = await readLiveSite(connect(site));
    const group = site.state.groups()[0] as TrivoreGroup;
    const wrongSecret = 'revoked-secret-Xy9';
    const error = await siteErrorOf(
      writerOf(site, { clientSecret: wrongSecret }).perform(
        { kind: 'create-group', group: groupIn(snapshot, group.id) },
        context(site),
      ),
    );
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain(wrongSecret);

    // A server that quotes the secret back: the reason names it only as [redacted].
    const secret = site.credentials.clientSecret;
    const echoing: typeof fetch = async (input, init) => {
      if (init?.method === 'POST') {
        return new Response(
          JSON.stringify({ errorMessage: `bad client secret ${secret}`, statusCode: 400 }),
          {
            status: 400,
            headers: { 'content-type': 'application/json' },
          },
        );
      }
      return fetch(input, init);
    };
    const refused = await writerOf(site, { fetch: echoing }).perform(
      { kind: 'create-group', group: { ...groupIn(snapshot, group.id), name: 'Other' } },
      context(site),
    );
    expect(refused.status).toBe('rejected');
    expect(JSON.stringify(refused)).not.toContain(secret);
    expect(JSON.stringify(refused)).toContain('[redacted]');
  });

  it('never sends a DELETE', async () => {
    const site = await emulator();
    const user = memberOfTwo(site);
    const snapshot = await readLiveSite(connect(site));
    const [lost, ...kept] = user.memberOf as [string, ...string[]];
    site.state.updateUser(user.id, { memberOf: kept });
    site.state.removeGroup(lost);
    const writer = writerOf(site);
    const group = await writer.perform(
      { kind: 'create-group', group: groupIn(snapshot, lost) },
      context(site),
    );
    await writer.perform(
      {
        kind: 'add-memberships',
        user: userIn(snapshot, user.id),
        liveKey: user.id,
        liveGroups: kept,
        groups: [lost],
      },
      context(site, { [lost]: (group as { liveKey: string }).liveKey }),
    );
    expect(site.requests.map((request) => request.method)).not.toContain('DELETE');
    expect(site.state.getUser(user.id)?.memberOf).toEqual([...kept, (group as { liveKey: string }).liveKey]);
  });
});
