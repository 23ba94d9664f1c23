import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMINISTRATORS,
  ALL_USERS,
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import type { EmulatorFaults } from '../../dev/emulators/shared/faults.ts';
import { startTrivoreEmulator, type TrivoreEmulator } from '../../dev/emulators/trivore/index.ts';
import { exportedWorkspace, NIGHT_RUN, type RestoreWorkspace } from '../support/restore-workspace.ts';

const NEXT_NIGHT = '2026-11-22T02:00:00Z';
const ADMIN = 'it-admin@acme.example';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One provider's emulator as these tests drive it: its state by names, an accident, write faults. */
interface Site {
  readonly workspace: RestoreWorkspace;
  /** Everything a restore brings back, by names (re-created records get new ids). */
  state(): unknown;
  /** Deletes a group and `members` of its members, as an administrator would by mistake. */
  accident(members: number): { readonly group: string; readonly keptMembers: number };
  setFaults(faults: EmulatorFaults): void;
  /** Writes received since the site started. */
  writes(): number;
  readonly restoreFlags: readonly string[];
}

async function periscopeV1Site(users: number, groups: number): Promise<Site> {
  const site: PeriscopeV1Emulator = await startPeriscopeV1Emulator({ users, groups, seed: 7 });
  cleanups.push(() => site.close());
  const workspace = await exportedWorkspace(
    {
      id: 'acme',
      provider: 'periscope-v1',
      baseUrl: site.url,
      credentials: { site: site.site, apiKey: site.apiKey },
    },
    cleanups,
    { http: { maxRetries: 0 } },
  );
  return {
    workspace,
    restoreFlags: ['--site', 'acme', '--invited-by', ADMIN],
    state: () => ({
      users: site.state
        .users()
        .map((user) => ({ email: user.email, groups: [...user.groups].sort() }))
        .sort((a, b) => a.email.localeCompare(b.email)),
      groups: site.state
        .groups()
        .map((group) => ({ name: group.name, access: group.access }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }),
    accident(members) {
      const group = site.state
        .groups()
        .filter((candidate) => candidate.name !== ALL_USERS && candidate.name !== ADMINISTRATORS)
        .map((candidate) => ({
          name: candidate.name,
          members: site.state.users().filter((user) => user.groups.includes(candidate.name)),
        }))
        .sort((a, b) => b.members.length - a.members.length || a.name.localeCompare(b.name))[0];
      if (!group || group.members.length <= members) throw new Error('the emulator has no group to delete');
      for (const user of group.members.slice(0, members)) site.state.removeUser(user.email);
      site.state.removeGroup(group.name);
      return { group: group.name, keptMembers: group.members.length - members };
    },
    setFaults: (faults) => site.setFaults(faults),
    writes: () => site.requests.filter((request) => request.method !== 'GET').length,
  };
}

async function trivoreSite(users: number, groups: number): Promise<Site> {
  const site: TrivoreEmulator = await startTrivoreEmulator({ users, groups, seed: 7 });
  cleanups.push(() => site.close());
  const workspace = await exportedWorkspace(
    { id: 'id', provider: 'trivore', baseUrl: site.url, credentials: site.credentials },
    cleanups,
    { http: { maxRetries: 0 } },
  );
  return {
    workspace,
    restoreFlags: ['--site', 'id'],
    state() {
      const groupName = new Map(site.state.groups().map((group) => [group.id, group.name]));
      return {
        users: site.state
          .users()
          .map((user) => ({
            username: user.username,
            groups: user.memberOf.map((id) => groupName.get(id) ?? `unknown ${id}`).sort(),
          }))
          .sort((a, b) => a.username.localeCompare(b.username)),
        groups: site.state
          .groups()
          .map((group) => group.name)
          .sort(),
      };
    },
    accident(members) {
      const group = site.state
        .groups()
        .map((candidate) => ({
          group: candidate,
          members: site.state.users().filter((user) => user.memberOf.includes(candidate.id)),
        }))
        .sort((a, b) => b.members.length - a.members.length || a.group.name.localeCompare(b.group.name))[0];
      if (!group || group.members.length <= members) throw new Error('the emulator has no group to delete');
      for (const user of group.members.slice(0, members)) site.state.removeUser(user.id);
      site.state.removeGroup(group.group.id);
      return { group: group.group.name, keptMembers: group.members.length - members };
    },
    setFaults: (faults) => site.setFaults(faults),
    writes: () => site.writes().length,
  };
}

/**
 * The accident's morning. With `nextNight`, the deletion is caught by the next night's export
 * before anyone restores; without, the restore runs before any export saw it.
 */
async function afterTheAccident(site: Site, members: number, nextNight = true) {
  const before = site.state();
  const accident = site.accident(members);
  if (nextNight) expect((await site.workspace.run(['export', '--as-of', NEXT_NIGHT])).code).toBe(0);
  return { before, ...accident };
}

const restoreDeleted = (site: Site, ...extra: string[]) =>
  site.workspace.run([
    'restore',
    ...site.restoreFlags,
    '--from',
    NIGHT_RUN,
    '--deleted-since',
    NIGHT_RUN,
    '--apply',
    ...extra,
  ]);

describe('an interrupted restore, run again, converges', () => {
  it('re-adds every member of a group the interrupted run re-created (the reported case)', async () => {
    const site = await periscopeV1Site(400, 6);
    const { before, keptMembers } = await afterTheAccident(site, 3);
    site.setFaults({
      serverErrors: { route: 'write', after: 3, count: Number.POSITIVE_INFINITY, status: 503 },
    });

    const broken = await restoreDeleted(site, '--json');
    expect(broken.code).toBe(1);
    const planned = JSON.parse(broken.stdout).plan.steps.length;
    expect(planned).toBe(1 + 3 + keptMembers);

    site.setFaults({});
    const rerun = await restoreDeleted(site, '--json');
    expect(rerun.code).toBe(0);
    // What the first run did is not planned again; everything it did not reach is.
    expect(JSON.parse(rerun.stdout).plan.counts).toMatchObject({
      groupsToCreate: 0,
      usersToCreate: 1,
      membershipsToAdd: keptMembers,
    });
    expect(site.state()).toEqual(before);

    const third = await restoreDeleted(site);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('Nothing to restore');
  });

  for (const [provider, start, nextNight] of [
    ['Periscope v1', () => periscopeV1Site(24, 4), true],
    ['Trivore ID', () => trivoreSite(24, 4), true],
    ['Periscope v1', () => periscopeV1Site(24, 4), false],
    ['Trivore ID', () => trivoreSite(24, 4), false],
  ] as const) {
    const when = nextNight ? 'after the next export' : 'before any export saw the deletion';
    it(`${provider}, ${when}: stopped after any number of writes, a rerun ends where one uninterrupted run ends`, async () => {
      const reference = await start();
      const { before } = await afterTheAccident(reference, 2, nextNight);
      const writesBefore = reference.writes();
      expect((await restoreDeleted(reference)).code).toBe(0);
      const uninterrupted = reference.state();
      expect(uninterrupted).toEqual(before);
      const totalWrites = reference.writes() - writesBefore;
      expect(totalWrites).toBeGreaterThan(2);

      for (let allowed = 0; allowed < totalWrites; allowed++) {
        const site = await start();
        await afterTheAccident(site, 2, nextNight);
        site.setFaults({
          serverErrors: { route: 'write', after: allowed, count: Number.POSITIVE_INFINITY, status: 503 },
        });
        expect((await restoreDeleted(site)).code, `stopped after ${allowed} write(s)`).toBe(1);
        site.setFaults({});
        expect((await restoreDeleted(site)).code, `rerun after ${allowed} write(s)`).toBe(0);
        expect(site.state(), `rerun after ${allowed} write(s)`).toEqual(uninterrupted);
      }
    });
  }
});
