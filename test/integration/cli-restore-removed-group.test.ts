import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMINISTRATORS,
  ALL_USERS,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The words of a POSIX command line made of plain words and single-quoted ones (what the audit prints). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/(?:[^\s']+|'[^']*')+/g)) {
    words.push(match[0].replace(/'([^']*)'/g, '$1'));
  }
  return words;
}

describe('a group removed with its members', () => {
  it('is a high-severity change whose restore command, run as printed, brings the group and its members back', async () => {
    const site = await startPeriscopeV1Emulator({
      users: 150,
      groups: 8,
      referenceDate: '2026-11-21T02:00:00Z',
    });
    cleanups.push(() => site.close());
    const temp = await makeTempDir('cli-removed-group');
    cleanups.push(() => temp.remove());
    const config = {
      store: 'file://./backups',
      sites: [
        {
          id: 'acme',
          provider: 'periscope-v1',
          baseUrl: site.url,
          credentials: { env: 'ACME' },
          restore: { invitedByEmail: 'it-admin@acme.example' },
        },
      ],
    };
    await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
    const run = (argv: readonly string[]) =>
      runRollcall(argv, {
        cwd: temp.path,
        env: { ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
      });

    expect((await run(['export', '--as-of', '2026-11-21T02:00:00Z'])).code).toBe(0);
    // The group with the most awkward name for a shell that still has members.
    const group = site.state
      .groups()
      .filter((candidate) => candidate.name !== ALL_USERS && candidate.name !== ADMINISTRATORS)
      .map((candidate) => ({
        ...candidate,
        members: site.state
          .users()
          .filter((user) => user.groups.includes(candidate.name))
          .map((user) => user.email)
          .sort(),
      }))
      .filter((candidate) => candidate.members.length > 0)
      .sort((a, b) => b.name.replace(/[\w ]/g, '').length - a.name.replace(/[\w ]/g, '').length)[0];
    if (!group) throw new Error('the emulator site needs a group with members');
    site.state.removeGroup(group.name);
    expect((await run(['export', '--as-of', '2026-11-22T02:00:00Z'])).code).toBe(0);

    const audited = await run(['audit', '--json']);
    expect(audited.code, audited.stderr).toBe(0);
    const [result] = JSON.parse(audited.stdout).sites;
    expect(result.summary.highSeverityChanges).toEqual([
      expect.objectContaining({
        kind: 'group-removed-with-members',
        severity: 'high',
        groupName: group.name,
        members: group.members.length,
      }),
    ]);
    const text = await run(['audit']);
    const command: string = result.summary.highSeverityChanges[0].restoreCommand;
    expect(text.stdout).toContain(command);

    const [tool, ...argv] = shellWords(command);
    expect(tool).toBe('rollcall');
    const restored = await run(argv);
    expect(restored.code, restored.stderr).toBe(0);
    expect(site.state.groups().find((candidate) => candidate.name === group.name)).toMatchObject({
      access: group.access,
    });
    const members = site.state
      .users()
      .filter((user) => user.groups.includes(group.name))
      .map((user) => user.email)
      .sort();
    expect(members).toEqual(group.members);
  });
});
