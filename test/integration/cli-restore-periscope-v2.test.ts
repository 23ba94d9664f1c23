import { afterEach, describe, expect, it } from 'vitest';
import {
  type PeriscopeV2Emulator,
  startPeriscopeV2Emulator,
} from '../../dev/emulators/periscope-v2/index.ts';
import { EVERYONE } from '../../dev/emulators/periscope-v2/types.ts';
import { exportedWorkspace, NIGHT_RUN } from '../support/restore-workspace.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The site by names, which is what a restore can bring back: role and user ids are new. */
function siteByName(site: PeriscopeV2Emulator) {
  const roleName = new Map(site.state.roles().map((role) => [role.id, role.name]));
  return {
    users: site.state
      .users()
      .map((user) => ({
        email: user.email,
        name: `${user.first_name} ${user.last_name}`,
        roles: user.roles.map((id) => roleName.get(id)).sort(),
      }))
      .sort((a, b) => a.email.localeCompare(b.email)),
    roles: site.state
      .roles()
      .map(({ name, description, privileges, permissions }) => ({
        name,
        description,
        privileges,
        permissions,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

describe('rollcall restore (Periscope v2, against the emulator)', () => {
  it('re-creates a deleted role with its privileges and its deleted members under new ids, once', async () => {
    const site = await startPeriscopeV2Emulator({ users: 120, roles: 8 });
    cleanups.push(() => site.close());
    const { run } = await exportedWorkspace(
      {
        id: 'bi',
        provider: 'periscope-v2',
        baseUrl: site.url,
        credentials: { site: site.site, apiKey: site.apiKey },
      },
      cleanups,
      { restore: { invitedByEmail: 'it-admin@acme.example' } },
    );
    const before = siteByName(site);

    const role = site.state
      .roles()
      .filter((candidate) => candidate.name !== EVERYONE)
      .map((candidate) => ({
        role: candidate,
        members: site.state.users().filter((u) => u.roles.includes(candidate.id)),
      }))
      .sort((a, b) => b.members.length - a.members.length)[0];
    if (!role || role.members.length < 3) throw new Error('the emulator has no role to delete');
    for (const member of role.members.slice(0, 2)) site.state.removeUser(member.id);
    site.state.removeRole(role.role.id);
    expect(siteByName(site)).not.toEqual(before);

    const restore = ['restore', '--site', 'bi', '--from', NIGHT_RUN, '--deleted-since', NIGHT_RUN];
    const dryRun = await run([...restore, '--json']);
    expect(dryRun.code).toBe(0);
    const planned = JSON.parse(dryRun.stdout);
    expect(planned.plan.counts).toMatchObject({ groupsToCreate: 1, usersToCreate: 2 });
    expect(planned.plan.cannotRestore.join('\n')).toContain('role and user ids');

    site.resetRequestLog();
    const applied = await run([...restore, '--apply', '--json']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).status).toBe('complete');
    expect(siteByName(site)).toEqual(before);
    expect(site.requests.some((request) => request.method === 'DELETE')).toBe(false);
    expect(site.state.getRole(role.role.id)).toBeUndefined();

    site.resetRequestLog();
    const again = await run([...restore, '--apply']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to restore');
    expect(site.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });
});
