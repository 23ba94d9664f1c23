import { afterEach, describe, expect, it } from 'vitest';
import { startTrivoreEmulator, type TrivoreEmulator } from '../../dev/emulators/trivore/index.ts';
import { exportedWorkspace, NIGHT_RUN } from '../support/restore-workspace.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The site by usernames and group names: Trivore gives re-created users and groups new ids. */
function siteByName(site: TrivoreEmulator) {
  const groupName = new Map(site.state.groups().map((group) => [group.id, group.name]));
  return {
    users: site.state
      .users()
      .map((user) => ({
        username: user.username,
        emails: user.emails.map((email) => email.address),
        name: user.name,
        groups: user.memberOf.map((id) => groupName.get(id) ?? `unknown ${id}`).sort(),
      }))
      .sort((a, b) => a.username.localeCompare(b.username)),
    groups: site.state
      .groups()
      .map((group) => ({ name: group.name, description: group.description }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

describe('rollcall restore (Trivore ID, against the emulator)', () => {
  it('re-creates a deleted group and its deleted members with new ids, checked locally in the dry run', async () => {
    const site = await startTrivoreEmulator({ users: 80, groups: 6 });
    cleanups.push(() => site.close());
    const { run } = await exportedWorkspace(
      { id: 'id', provider: 'trivore', baseUrl: site.url, credentials: site.credentials },
      cleanups,
    );
    const before = siteByName(site);

    const group = site.state
      .groups()
      .map((candidate) => ({
        group: candidate,
        members: site.state.users().filter((u) => u.memberOf.includes(candidate.id)),
      }))
      .sort((a, b) => b.members.length - a.members.length)[0];
    if (!group || group.members.length < 3) throw new Error('the emulator has no group to delete');
    for (const member of group.members.slice(0, 2)) site.state.removeUser(member.id);
    site.state.removeGroup(group.group.id);

    const restore = ['restore', '--site', 'id', '--from', NIGHT_RUN, '--deleted-since', NIGHT_RUN];
    site.resetRequestLog();
    const dryRun = await run([...restore, '--json']);
    expect(dryRun.code).toBe(0);
    const planned = JSON.parse(dryRun.stdout);
    expect(planned.validation).toBe('local');
    expect(planned.plan.counts).toMatchObject({ groupsToCreate: 1, usersToCreate: 2 });
    expect(site.requests.filter((request) => request.method !== 'GET')).toEqual([]);

    const applied = await run([...restore, '--apply', '--json']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).status).toBe('complete');
    expect(siteByName(site)).toEqual(before);
    expect(site.requests.some((request) => request.method === 'DELETE')).toBe(false);

    site.resetRequestLog();
    const again = await run([...restore, '--apply']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to restore');
    expect(site.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });
});
