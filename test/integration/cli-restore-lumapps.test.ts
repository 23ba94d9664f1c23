import { afterEach, describe, expect, it } from 'vitest';
import { type LumAppsEmulator, startLumAppsEmulator } from '../../dev/emulators/lumapps/index.ts';
import { exportedWorkspace, NIGHT_RUN } from '../support/restore-workspace.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The site by e-mail and feed name: a re-created feed has a new id. */
function siteByName(site: LumAppsEmulator) {
  const feedName = new Map(site.state.feeds().map((feed) => [feed.id, feed.name]));
  return {
    users: site.state
      .users()
      .map((user) => ({
        email: user.email,
        status: user.status ?? 'enabled',
        feeds: site.state
          .feedsOf(user.id)
          .map((id) => feedName.get(id))
          .sort(),
      }))
      .sort((a, b) => a.email.localeCompare(b.email)),
    feeds: [...feedName.values()].sort(),
  };
}

describe('rollcall restore (LumApps, against the emulator)', () => {
  it('enables "deleted" (disabled) users and re-creates a deleted feed with its members', async () => {
    const site = await startLumAppsEmulator({ users: 60, feeds: 5 });
    cleanups.push(() => site.close());
    const { run } = await exportedWorkspace(
      { id: 'intranet', provider: 'lumapps', baseUrl: site.url, credentials: site.credentials },
      cleanups,
    );
    const before = siteByName(site);

    // LumApps has no user delete: an administrator's "delete" disables the account.
    const feed = site.state
      .feeds()
      .map((candidate) => ({ feed: candidate, members: site.state.membersOf(candidate.id) }))
      .sort((a, b) => b.members.length - a.members.length)[0];
    if (!feed || feed.members.length < 3) throw new Error('the emulator has no feed to delete');
    const disabled = site.state
      .users()
      .filter((user) => (user.status ?? 'enabled') === 'enabled' && user.email !== site.adminEmail)
      .slice(0, 2);
    for (const user of disabled) site.state.updateUser(user.id, { status: 'disabled' });
    site.state.removeFeed(feed.feed.id);
    expect(siteByName(site)).not.toEqual(before);

    const restore = ['restore', '--site', 'intranet', '--from', NIGHT_RUN, '--deleted-since', NIGHT_RUN];
    const dryRun = await run([...restore, '--json']);
    expect(dryRun.code).toBe(0);
    const planned = JSON.parse(dryRun.stdout);
    expect(planned.validation).toBe('local');
    expect(planned.plan.counts).toMatchObject({ groupsToCreate: 1, usersToCreate: 0, usersToEnable: 2 });

    const applied = await run([...restore, '--apply', '--json']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).status).toBe('complete');
    expect(siteByName(site)).toEqual(before);
    expect(site.requests.some((request) => request.method === 'DELETE')).toBe(false);

    site.resetRequestLog();
    const again = await run([...restore, '--apply']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to restore');
    expect(site.writes).toEqual([]);
  });
});
