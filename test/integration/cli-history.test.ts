import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHistoryHeadline } from '../../cli/history-output.ts';
import {
  ADMINISTRATORS,
  ALL_USERS,
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import type { UserHistory } from '../../functions/history/model.ts';
import { siteHistory } from '../../functions/history/site-history.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { type CliRun, runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * Five nights of one Periscope v1 site, exported with the real CLI while the site changes in
 * between: Zoë is made an administrator, night 3 is incomplete (the users listing fails after its
 * first page, so she is not in it), then she leaves "Field Ops", changes her last name and
 * switches two-factor off, and finally she is deleted. "Sales EMEA" is removed with her;
 * "Finance" is renamed before the incomplete night.
 */
const NIGHTS = [
  '2026-11-18T02:00:00Z',
  '2026-11-19T02:00:00Z',
  '2026-11-20T02:00:00Z',
  '2026-11-21T02:00:00Z',
  '2026-11-22T02:00:00Z',
] as const;
const [N1, N2, N3, N4, N5] = [
  '20261118T020000Z',
  '20261119T020000Z',
  '20261120T020000Z',
  '20261121T020000Z',
  '20261122T020000Z',
] as const;
const ZOE = 'Zoe.Quinn@acme.example';
const FIELD_OPS = 'Field Ops';
const SALES = 'Sales EMEA';
const FINANCE = 'Finance';

let site: PeriscopeV1Emulator;
let dir: string;
let removeDir: () => Promise<void>;
const exits: number[] = [];
let zoeOnNight4: unknown;
let fieldOpsMembersOnNight2 = 0;

const history = (...argv: string[]): Promise<CliRun> =>
  runRollcall(['history', ...argv], {
    cwd: dir,
    env: { ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
  });

beforeAll(async () => {
  site = await startPeriscopeV1Emulator({ users: 150, groups: 6, referenceDate: NIGHTS[0] });
  const temp = await makeTempDir('cli-history');
  dir = temp.path;
  removeDir = temp.remove;
  const credentials = { env: 'ACME' };
  const config = {
    store: 'file://./backups',
    sites: [
      { id: 'acme', provider: 'periscope-v1', baseUrl: site.url, credentials },
      { id: 'empty', provider: 'periscope-v1', baseUrl: site.url, credentials },
    ],
  };
  await writeFile(join(dir, 'rollcall.config.json'), JSON.stringify(config));
  const exportNight = async (index: number) => {
    const run = await runRollcall(['export', '--site', 'acme', '--as-of', NIGHTS[index] ?? ''], {
      cwd: dir,
      env: { ACME: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
    });
    exits.push(run.code);
  };
  const state = site.state;
  for (const name of [FIELD_OPS, SALES, FINANCE]) state.addGroup({ name, access: 'View' });
  state.addUser({
    first_name: 'Zoë',
    last_name: 'Quinn',
    email: ZOE,
    groups: [ALL_USERS, FIELD_OPS, SALES],
    last_login_at: '2026-11-17T09:30:00.000Z',
    password_updated_at: '2026-10-01T08:00:00.000Z',
    tfa_enabled: true,
  });
  const [colleague] = state.users().filter((user) => user.email !== ZOE);
  state.updateUser(colleague?.email ?? '', { groups: [...(colleague?.groups ?? []), FIELD_OPS, FINANCE] });
  await exportNight(0);

  state.updateUser(ZOE, { groups: [ALL_USERS, FIELD_OPS, SALES, ADMINISTRATORS] });
  fieldOpsMembersOnNight2 = state.users().filter((user) => user.groups.includes(FIELD_OPS)).length;
  await exportNight(1);

  state.updateGroup(FINANCE, { name: 'Finance & Control' });
  // Zoë sorts last: the listing fails for good after its first page, before it reaches her.
  site.setFaults({
    serverErrors: { after: 1, count: Number.POSITIVE_INFINITY, status: 503, route: 'users-list' },
  });
  await exportNight(2);
  site.setFaults({});

  state.updateUser(ZOE, {
    last_name: 'Quinn-Smith',
    groups: [ALL_USERS, SALES, ADMINISTRATORS],
    tfa_enabled: false,
  });
  zoeOnNight4 = state.getUser(ZOE);
  await exportNight(3);

  state.removeUser(ZOE);
  state.removeGroup(SALES);
  await exportNight(4);
}, 60_000);

afterAll(async () => {
  await site?.close();
  await removeDir?.();
});

describe('rollcall history over five nights of one site', () => {
  it('the nights were exported as planned: night 3 incomplete', () => {
    expect(exits).toEqual([0, 0, 1, 0, 0]);
  });

  it('prints a user’s timeline: first seen, group changes, the incomplete night, gone, last known record', async () => {
    const run = await history('--site', 'acme', '--user', 'zoe.quinn@ACME.example');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 9)).toEqual([
      'rollcall history · site acme · user zoe.quinn@ACME.example',
      '',
      // Details wrap under their column to stay within 100 columns.
      `${N1}  first seen  Zoe.Quinn@acme.example (Zoë Quinn), groups: All Users, Field Ops,`,
      '                              Sales EMEA',
      `${N2}  changed     added to Administrators`,
      `${N3}  incomplete  not in this (incomplete) snapshot; not taken as removed`,
      `${N4}  changed     last name Quinn → Quinn-Smith; removed from Field Ops; MFA on → off`,
      `${N5}  gone        not in this complete snapshot; last seen ${N4}`,
      '',
    ]);
    expect(lines.slice(9, 21)).toEqual([
      `Last known record (run ${N4}; gone since ${N5}):`,
      '  key               zoe.quinn@acme.example',
      '  e-mail            Zoe.Quinn@acme.example',
      '  name              Zoë Quinn-Smith',
      '  status            unknown',
      '  groups            Administrators, All Users, Sales EMEA',
      '  last login        2026-11-17T09:30:00.000Z',
      '  password changed  2026-10-01T08:00:00.000Z',
      '  MFA               off',
      '',
      `Read 5 snapshots (1 incomplete: ${N3}).`,
      'Files read: 5 manifests, 5 users files, 3 groups files (for group names).',
    ]);
    // Why the night is incomplete, from its manifest (wrapped).
    expect(lines.slice(21).join(' ')).toMatch(
      new RegExp(`^Incomplete ${N3}: users: stopped after 1 page \\(100 users read\\): .*HTTP 503`),
    );
    expect(run.stdout.split('\n').every((line) => line.length <= 100)).toBe(true);
  });

  it('prints the same timeline as one JSON document, with the last known record and its raw', async () => {
    const run = await history('--site', 'acme', '--user', 'zoe.quinn@acme.example', '--json');

    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({
      site: 'acme',
      subject: { user: 'zoe.quinn@acme.example' },
      matchedKeys: ['zoe.quinn@acme.example'],
      snapshotsRead: 5,
      incompleteRuns: [{ runId: N3, reason: expect.stringContaining('HTTP 503') }],
      unreadableRuns: [],
      firstSeen: N1,
      lastSeen: N4,
      present: false,
      goneSince: N5,
      read: { manifests: 5, usersFiles: 5, groupsFiles: 0, groupsFilesForNames: 3 },
      notes: [],
    });
    expect(doc.events).toEqual([
      {
        runId: N1,
        kind: 'first-seen',
        record: {
          key: 'zoe.quinn@acme.example',
          email: ZOE,
          firstName: 'Zoë',
          lastName: 'Quinn',
          status: 'unknown',
          groups: [ALL_USERS, FIELD_OPS, SALES],
          lastLoginAt: '2026-11-17T09:30:00.000Z',
          passwordUpdatedAt: '2026-10-01T08:00:00.000Z',
          mfaEnabled: true,
        },
      },
      {
        runId: N2,
        kind: 'changed',
        comparedWith: N1,
        changes: [{ field: 'groups', added: [ADMINISTRATORS], removed: [] }],
      },
      { runId: N3, kind: 'incomplete', present: false, reason: doc.incompleteRuns[0].reason },
      {
        runId: N4,
        kind: 'changed',
        comparedWith: N2,
        changes: [
          { field: 'lastName', before: 'Quinn', after: 'Quinn-Smith' },
          { field: 'groups', added: [], removed: [FIELD_OPS] },
          { field: 'mfaEnabled', before: true, after: false },
        ],
      },
      { runId: N5, kind: 'gone', lastSeen: N4 },
    ]);
    expect(doc.lastKnown.runId).toBe(N4);
    expect(doc.lastKnown.incomplete).toBeUndefined();
    expect(doc.lastKnown.record).toMatchObject({
      key: 'zoe.quinn@acme.example',
      lastName: 'Quinn-Smith',
      groups: [ADMINISTRATORS, ALL_USERS, SALES],
      mfaEnabled: false,
    });
    // The provider's record exactly as the API sent it that night.
    expect(doc.lastKnown.record.raw).toEqual(zoeOnNight4);
    expect(doc.groupNames).toEqual({
      [ADMINISTRATORS]: ADMINISTRATORS,
      [ALL_USERS]: ALL_USERS,
      [FIELD_OPS]: FIELD_OPS,
      [SALES]: SALES,
    });
  });

  it('gives the same answer every time, and the same one for the key as for the e-mail', async () => {
    const [first, second, byKey] = await Promise.all([
      history('--site', 'acme', '--user', ZOE, '--json'),
      history('--site', 'acme', '--user', ZOE, '--json'),
      history('--site', 'acme', '--user', 'zoe.quinn@acme.example', '--json'),
    ]);
    expect(second.stdout).toBe(first.stdout);
    expect({ ...JSON.parse(byKey.stdout), subject: undefined }).toEqual({
      ...JSON.parse(first.stdout),
      subject: undefined,
    });
  });

  it('a one-line headline for the demo', async () => {
    const result = await siteHistory('acme', { user: ZOE }, {}, new FileStore(join(dir, 'backups')));
    if (result.status !== 'found') throw new Error(`not found: ${JSON.stringify(result)}`);
    expect(formatHistoryHeadline(result.history as UserHistory)).toBe(
      `${ZOE}: first seen 2026-11-18, gone since ${N5} (last seen ${N4}), was in Administrators, All Users, Sales EMEA`,
    );
  });

  it('a removed group: member changes from complete runs only, an incomplete night read as it is, then gone', async () => {
    const run = await history('--site', 'acme', '--group', 'field ops');

    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'rollcall history · site acme · group field ops',
      '',
      `${N1}  first seen  Field Ops, access View, 2 members`,
      // Night 3 read a third of the users: its member count is what that snapshot says, marked.
      expect.stringMatching(
        new RegExp(`^${N3}  changed     member count 2 → [01] \\[incomplete snapshot\\]$`),
      ),
      `${N4}  changed     member count 2 → 1; members −1 (Zoe.Quinn@acme.example)`,
    ]);
    expect(fieldOpsMembersOnNight2).toBe(2);
    expect(lines[5]).toBe('');
    expect(lines[6]).toBe(`Latest record (run ${N5}):`);
    expect(run.stdout).toContain(
      `Read 5 snapshots (1 incomplete: ${N3}).\nFiles read: 5 manifests, 5 groups files, 4 users files (complete runs only, for members).\n`,
    );

    const sales = await history('--site', 'acme', '--group', SALES);
    expect(sales.code).toBe(0);
    expect(sales.stdout).toContain(`${N5}  gone        not in this complete snapshot; last seen ${N4}\n`);
    expect(sales.stdout).toContain(`Last known record (run ${N4}; gone since ${N5}):`);
    expect(sales.stdout).toContain('  members       Zoe.Quinn@acme.example\n');
  });

  it('a renamed group (Periscope v1 knows groups by name): missing from the incomplete night is not removal', async () => {
    const run = await history('--site', 'acme', '--group', FINANCE, '--json');

    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(
      doc.events.map((event: { runId: string; kind: string }) => `${event.runId} ${event.kind}`),
    ).toEqual([`${N1} first-seen`, `${N3} incomplete`, `${N4} gone`]);
    expect(doc.events[1]).toMatchObject({ present: false });
    expect(doc.events[2]).toEqual({ runId: N4, kind: 'gone', lastSeen: N2 });
    expect(doc).toMatchObject({ firstSeen: N1, lastSeen: N2, present: false, goneSince: N4 });
    expect(doc.lastKnown.members).toHaveLength(1);

    const renamed = await history('--site', 'acme', '--group', 'finance & control', '--no-members');
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toContain(`${N3}  first seen  Finance & Control, access View`);
    expect(renamed.stdout).toContain(
      'Files read: 5 manifests, 5 groups files, no users files (members not read).',
    );
  });

  it('an unknown user or group, or a site without snapshots, is exit 2 with a message that says what was searched', async () => {
    const unknown = await history('--site', 'acme', '--user', 'nobody@nowhere.example');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      `site acme: no user matches "nobody@nowhere.example" (by key, e-mail or provider id) in any of its 5 snapshots (1 incomplete: ${N3}) in ${join(dir, 'backups', 'snapshots', 'site=acme')}.\n`,
    );

    const group = await history('--site', 'acme', '--group', 'Nope', '--json');
    expect(group.code).toBe(2);
    expect(JSON.parse(group.stdout)).toMatchObject({
      site: 'acme',
      status: 'missing',
      subject: { group: 'Nope' },
      snapshotsRead: 5,
      reason: expect.stringContaining('no group matches "Nope" (by name or key)'),
    });

    const empty = await history('--site', 'empty', '--user', ZOE);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('site empty has no snapshot in');
  });

  it('usage: exactly one of --user and --group, a known site', async () => {
    for (const argv of [
      ['--site', 'acme'],
      ['--site', 'acme', '--user', ZOE, '--group', SALES],
    ]) {
      const run = await history(...argv);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('give exactly one of --user EMAIL_OR_ID and --group NAME');
    }
    const unknownSite = await history('--site', 'nope', '--user', ZOE);
    expect(unknownSite.code).toBe(2);
    expect(unknownSite.stderr).toContain('no site "nope"');
  });
});
