import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMINISTRATORS,
  ALL_USERS,
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const NIGHT = '2026-11-21T02:00:00Z';
const NIGHT_RUN = '20261121T020000Z';
const ADMIN = 'it-admin@acme.example';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Workspace {
  readonly site: PeriscopeV1Emulator;
  readonly store: FileStore;
  run(argv: readonly string[], credentialsSite?: string): Promise<CliRun>;
  json(key: string): Promise<Record<string, unknown>>;
}

/** One Periscope v1 site exported once (the snapshot to restore from), into a file store. */
async function exportedSite(): Promise<Workspace> {
  const site = await startPeriscopeV1Emulator({ users: 300, groups: 12, referenceDate: NIGHT });
  cleanups.push(() => site.close());
  const temp = await makeTempDir('cli-restore');
  cleanups.push(() => temp.remove());
  const config = {
    store: 'file://./backups',
    sites: [
      {
        id: 'acme',
        provider: 'periscope-v1',
        baseUrl: site.url,
        credentials: { env: 'ACME' },
        http: { maxRetries: 1 },
      },
    ],
  };
  await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
  const store = new FileStore(join(temp.path, 'backups'));
  const ws: Workspace = {
    site,
    store,
    run: (argv, credentialsSite = site.site) =>
      runRollcall(argv, {
        cwd: temp.path,
        env: { ACME: JSON.stringify({ site: credentialsSite, apiKey: site.apiKey }) },
      }),
    async json(key) {
      const bytes = await store.get(key);
      if (!bytes) throw new Error(`${key} was not written`);
      return JSON.parse(bytes.toString('utf8'));
    },
  };
  expect((await ws.run(['export', '--as-of', NIGHT])).code).toBe(0);
  return ws;
}

/** What a restore must bring back: every user's name and groups, every group's access. */
function siteState(site: PeriscopeV1Emulator) {
  return {
    users: site.state
      .users()
      .map((user) => ({
        email: user.email,
        first: user.first_name,
        last: user.last_name,
        groups: [...user.groups].sort(),
      }))
      .sort((a, b) => a.email.localeCompare(b.email)),
    groups: site.state
      .groups()
      .map((group) => ({ name: group.name, access: group.access }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The morning after: a group and three of its members deleted (as an administrator would). */
function accident(site: PeriscopeV1Emulator) {
  const group = site.state
    .groups()
    .filter((candidate) => candidate.name !== ALL_USERS && candidate.name !== ADMINISTRATORS)
    .map((candidate) => ({
      name: candidate.name,
      members: site.state.users().filter((user) => user.groups.includes(candidate.name)),
    }))
    .sort((a, b) => b.members.length - a.members.length)[0];
  if (!group || group.members.length < 5) throw new Error('the emulator has no group to delete');
  const deletedUsers = group.members.slice(0, 3).map((user) => user.email);
  for (const email of deletedUsers) site.state.removeUser(email);
  site.state.removeGroup(group.name);
  return { group: group.name, deletedUsers, keptMembers: group.members.length - deletedUsers.length };
}

const restore = (...extra: string[]) => [
  'restore',
  '--site',
  'acme',
  '--from',
  NIGHT_RUN,
  '--invited-by',
  ADMIN,
  ...extra,
];

const writes = (site: PeriscopeV1Emulator) => site.requests.filter((request) => request.method !== 'GET');

describe('rollcall restore (Periscope v1, against the emulator)', () => {
  it('plans exactly what was deleted, and the dry run sends only test_mode=true writes', async () => {
    const ws = await exportedSite();
    const before = siteState(ws.site);
    const { group, deletedUsers, keptMembers } = accident(ws.site);
    const afterAccident = siteState(ws.site);
    ws.site.resetRequestLog();

    const dryRun = await ws.run(restore('--deleted-since', NIGHT_RUN, '--json'));
    expect(dryRun.stderr).toBe('');
    expect(dryRun.code).toBe(0);
    const outcome = JSON.parse(dryRun.stdout);
    expect(outcome.mode).toBe('dry-run');
    expect(outcome.validation).toBe('server');
    const summaries: string[] = outcome.plan.steps.map((step: { summary: string }) => step.summary);
    // The group comes back first, then the users, then the group's members who were not deleted.
    expect(summaries).toHaveLength(1 + deletedUsers.length + keptMembers);
    expect(summaries[0]?.startsWith(`create group ${group} (access: `)).toBe(true);
    for (const [index, email] of [...deletedUsers].sort((a, b) => a.localeCompare(b)).entries()) {
      expect(summaries[index + 1]?.startsWith(`create user ${email} `)).toBe(true);
    }
    for (const summary of summaries.slice(1 + deletedUsers.length)) expect(summary).toMatch(/^add .+ to /);
    expect(
      summaries.slice(1 + deletedUsers.length).every((summary) => summary.endsWith(` to ${group}`)),
    ).toBe(true);
    expect(outcome.results.map((result: { status: string }) => result.status)).toEqual(
      summaries.map(() => 'validated'),
    );

    // Every write carried test_mode=true, exactly; nothing changed; nothing was deleted. Adding
    // members to a group the plan creates first cannot be validated before the group exists: the
    // dry run sends nothing for those and says so.
    expect(writes(ws.site)).toHaveLength(1 + deletedUsers.length);
    for (const result of outcome.results.slice(1 + deletedUsers.length)) {
      expect(result.detail).toBe(`not sent in a dry run: ${group} does not exist until the plan creates it`);
    }
    for (const request of writes(ws.site)) {
      expect(['POST', 'PUT']).toContain(request.method);
      expect(request.query).toEqual({ test_mode: 'true' });
    }
    expect(siteState(ws.site)).toEqual(afterAccident);
    expect(before).not.toEqual(afterAccident);
  });

  it('applies the plan: the site is as it was for everything restorable, and a second apply is a no-op', async () => {
    const ws = await exportedSite();
    const before = siteState(ws.site);
    const { group } = accident(ws.site);

    const human = await ws.run(restore('--deleted-since', NIGHT_RUN, '--memberships'));
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(
      'DRY RUN — every call validated by the site (test_mode=true), nothing changed',
    );
    expect(human.stdout).toContain('What a restore cannot put back:');
    expect(human.stdout).toContain('passwords');
    expect(human.stdout).toContain('ownership of dashboards and charts');
    expect(human.stdout).toContain('A restore only adds');
    expect(human.stdout).toContain('Run again with --apply');

    ws.site.resetRequestLog();
    const applied = await ws.run(restore('--deleted-since', NIGHT_RUN, '--memberships', '--apply', '--json'));
    expect(applied.code).toBe(0);
    const outcome = JSON.parse(applied.stdout);
    expect(outcome.status).toBe('complete');
    expect(siteState(ws.site)).toEqual(before);
    expect(writes(ws.site).every((request) => request.query.test_mode === undefined)).toBe(true);
    expect(writes(ws.site).some((request) => request.method === 'DELETE')).toBe(false);
    expect(ws.site.state.getGroup(group)).toBeDefined();

    // The record: plan.json before the first call, result.json after the last.
    const recordPrefix = `restores/site=acme/`;
    const keys: string[] = [];
    for await (const key of ws.store.list(recordPrefix)) keys.push(key);
    expect(keys.map((key) => key.split('/').pop()).sort()).toEqual(['plan.json', 'result.json']);
    const result = await ws.json(keys.find((key) => key.endsWith('result.json')) as string);
    expect(result).toMatchObject({
      site: 'acme',
      fromRunId: NIGHT_RUN,
      status: 'complete',
      actorEmail: ADMIN,
    });
    expect(result.stepsDone).toBe(outcome.plan.steps.length);

    ws.site.resetRequestLog();
    const again = await ws.run(restore('--deleted-since', NIGHT_RUN, '--memberships', '--apply'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to restore');
    expect(writes(ws.site)).toEqual([]);
  });

  it('leaves a record when a call fails halfway, and a re-run finishes only what is left', async () => {
    const ws = await exportedSite();
    const before = siteState(ws.site);
    accident(ws.site);
    // The group and one user get through; every later write fails for good.
    ws.site.setFaults({
      serverErrors: { route: 'write', after: 2, count: Number.POSITIVE_INFINITY, status: 503 },
    });

    const broken = await ws.run(restore('--deleted-since', NIGHT_RUN, '--memberships', '--apply', '--json'));
    expect(broken.code).toBe(1);
    const outcome = JSON.parse(broken.stdout);
    expect(outcome.status).toBe('partial');
    const statuses: string[] = outcome.results.map((result: { status: string }) => result.status);
    expect(statuses.slice(0, 3)).toEqual(['done', 'done', 'failed']);
    expect(statuses.slice(3).every((status) => status === 'not-attempted')).toBe(true);
    const keys: string[] = [];
    for await (const key of ws.store.list('restores/site=acme/')) keys.push(key);
    const record = await ws.json(keys.find((key) => key.endsWith('result.json')) as string);
    expect(record).toMatchObject({ status: 'partial', stepsDone: outcome.plan.steps.length });
    expect(JSON.stringify(record)).toContain('failed');

    ws.site.setFaults({});
    const finish = await ws.run(restore('--deleted-since', NIGHT_RUN, '--memberships', '--apply', '--json'));
    expect(finish.code).toBe(0);
    const finished = JSON.parse(finish.stdout);
    // The group and the first user exist now: only the rest is planned.
    expect(finished.plan.steps.length).toBe(outcome.plan.steps.length - 2);
    expect(siteState(ws.site)).toEqual(before);
  });

  it('refuses what would be unsafe: too many users, another site, no invitation sender, a typo', async () => {
    const ws = await exportedSite();
    accident(ws.site);

    const tooMany = await ws.run(restore('--deleted-since', NIGHT_RUN, '--apply', '--max', '2'));
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('the plan would create 3 users, more than 2');
    expect(tooMany.stderr).toContain('--max 3');

    const otherSite = await ws.run(restore('--deleted-since', NIGHT_RUN), 'globex');
    expect(otherSite.code).toBe(2);
    expect(otherSite.stderr).toContain(`was taken from Periscope site "${ws.site.site}"`);
    expect(otherSite.stderr).toContain('Periscope site "globex"');
    expect(otherSite.stderr).not.toContain(ws.site.apiKey);

    const noSender = await ws.run([
      'restore',
      '--site',
      'acme',
      '--from',
      NIGHT_RUN,
      '--deleted-since',
      NIGHT_RUN,
    ]);
    expect(noSender.code).toBe(2);
    expect(noSender.stderr).toContain('--invited-by EMAIL');

    const typo = await ws.run(restore('--user', 'nobody@nowhere.example'));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('has no user nobody@nowhere.example');

    const nothing = await ws.run(['restore', '--site', 'acme', '--from', NIGHT_RUN]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('restore needs a selection');
    expect(writes(ws.site)).toEqual([]);
  });
});
