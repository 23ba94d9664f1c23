import { describe, expect, it } from 'vitest';
import { formatHistoryHeadline, printHistory } from '../../cli/history-output.ts';
import type { CliIo } from '../../cli/io.ts';
import { groupChanges, type ObservedGroup, userChanges } from '../../functions/history/changes.ts';
import { groupTimelineRules } from '../../functions/history/group-history.ts';
import { forEachInOrder } from '../../functions/history/in-order.ts';
import {
  groupMatchRank,
  lineSearch,
  memberLineSearch,
  userMatchRank,
} from '../../functions/history/match.ts';
import type { GroupHistory, UserHistory } from '../../functions/history/model.ts';
import { scanLines } from '../../functions/history/scan-lines.ts';
import { buildTimeline, type RunObservation, Timeline } from '../../functions/history/timeline.ts';
import { userTimelineRules } from '../../functions/history/user-history.ts';
import type { CanonicalUser } from '../../functions/shared/model.ts';
import { gzipJsonLines } from '../../functions/snapshot/jsonl.ts';

const R = [
  '20261118T020000Z',
  '20261119T020000Z',
  '20261120T020000Z',
  '20261121T020000Z',
  '20261122T020000Z',
];
const run = (index: number) => R[index] as string;

const jane = (patch: Partial<CanonicalUser> = {}): CanonicalUser => ({
  key: 'jane@acme.com',
  email: 'Jane@acme.com',
  firstName: 'Jane',
  lastName: 'Doe',
  status: 'active',
  groups: ['Sales'],
  lastLoginAt: null,
  mfaEnabled: true,
  raw: { email: 'Jane@acme.com' },
  ...patch,
});

const complete = (index: number, value?: CanonicalUser): RunObservation<CanonicalUser> => ({
  runId: run(index),
  status: 'complete',
  ...(value ? { value } : {}),
});
const incomplete = (index: number, value?: CanonicalUser): RunObservation<CanonicalUser> => ({
  runId: run(index),
  status: 'incomplete',
  reason: 'users: stopped after 1 page',
  ...(value ? { value } : {}),
});

const kinds = (events: readonly { runId: string; kind: string }[]) =>
  events.map((event) => `${event.runId} ${event.kind}`);

describe('a user timeline from the runs that have the user', () => {
  it('first seen, group changes between consecutive runs, then gone since the first complete run without the user', () => {
    const timeline = buildTimeline(
      [
        complete(0, jane()),
        complete(1, jane()),
        complete(2, jane({ groups: ['Administrators', 'Sales'] })),
        complete(3, jane({ groups: ['Administrators'], lastLoginAt: '2026-11-20T10:00:00Z' })),
        complete(4),
      ],
      userTimelineRules,
    );

    expect(timeline.events).toEqual([
      { runId: run(0), kind: 'first-seen', record: { ...jane(), raw: undefined } },
      {
        runId: run(2),
        kind: 'changed',
        comparedWith: run(1),
        changes: [{ field: 'groups', added: ['Administrators'], removed: [] }],
      },
      // A login is activity, not a change: only the group is listed.
      {
        runId: run(3),
        kind: 'changed',
        comparedWith: run(2),
        changes: [{ field: 'groups', added: [], removed: ['Sales'] }],
      },
      { runId: run(4), kind: 'gone', lastSeen: run(3) },
    ]);
    expect(timeline.events[0]).not.toHaveProperty('record.raw');
    expect(timeline.seen).toMatchObject({
      firstSeen: run(0),
      lastSeen: run(3),
      present: false,
      goneSince: run(4),
      lastKnown: { runId: run(3), incomplete: false },
    });
    // The last known record keeps the provider's record.
    expect(timeline.seen?.lastKnown.value.raw).toEqual({ email: 'Jane@acme.com' });
    expect(timeline.snapshotsRead).toBe(5);
    expect(timeline.incompleteRuns).toEqual([]);
    expect(timeline.matchedKeys).toEqual(['jane@acme.com']);
  });

  it('an incomplete run without the user is "not in this snapshot", never "gone"', () => {
    const timeline = buildTimeline(
      [complete(0, jane()), incomplete(1), complete(2, jane()), incomplete(3)],
      userTimelineRules,
    );

    expect(kinds(timeline.events)).toEqual([
      `${run(0)} first-seen`,
      `${run(1)} incomplete`,
      `${run(3)} incomplete`,
    ]);
    expect(timeline.events[1]).toEqual({
      runId: run(1),
      kind: 'incomplete',
      present: false,
      reason: 'users: stopped after 1 page',
    });
    // The newest run is incomplete and lacks her: she is still present as far as anyone can tell.
    expect(timeline.seen).toMatchObject({ lastSeen: run(2), present: true });
    expect(timeline.seen?.goneSince).toBeUndefined();
    expect(timeline.incompleteRuns.map((entry) => entry.runId)).toEqual([run(1), run(3)]);
  });

  it('a change read in an incomplete run is marked; the next complete run is compared with the last complete one', () => {
    const timeline = buildTimeline(
      [
        complete(0, jane({ groups: ['Administrators', 'Sales'] })),
        // The incomplete export lost a membership: listed, marked, and not taken as the new state.
        incomplete(1, jane({ groups: ['Sales'] })),
        complete(2, jane({ groups: ['Administrators', 'Sales'] })),
        incomplete(3, jane({ groups: ['Administrators', 'Sales'] })),
      ],
      userTimelineRules,
    );

    expect(timeline.events).toEqual([
      expect.objectContaining({ runId: run(0), kind: 'first-seen' }),
      {
        runId: run(1),
        kind: 'changed',
        incomplete: true,
        comparedWith: run(0),
        changes: [{ field: 'groups', added: [], removed: ['Administrators'] }],
      },
      // Present and unchanged in an incomplete run: still marked in the timeline.
      { runId: run(3), kind: 'incomplete', present: true, reason: 'users: stopped after 1 page' },
    ]);
    expect(timeline.seen?.lastKnown).toMatchObject({ runId: run(3), incomplete: true });
  });

  it('a change first read in an incomplete run is listed again when a complete run confirms it', () => {
    const timeline = buildTimeline(
      [
        complete(0, jane()),
        incomplete(1, jane({ status: 'disabled' })),
        complete(2, jane({ status: 'disabled' })),
      ],
      userTimelineRules,
    );
    expect(timeline.events.slice(1)).toEqual([
      {
        runId: run(1),
        kind: 'changed',
        incomplete: true,
        comparedWith: run(0),
        changes: [{ field: 'status', before: 'active', after: 'disabled' }],
      },
      {
        runId: run(2),
        kind: 'changed',
        comparedWith: run(0),
        changes: [{ field: 'status', before: 'active', after: 'disabled' }],
      },
    ]);
  });

  it('first seen in an incomplete run: marked, and compared with until a complete run has the user', () => {
    const timeline = buildTimeline(
      [
        incomplete(0, jane()),
        incomplete(1, jane({ lastName: 'Smith' })),
        complete(2, jane({ lastName: 'Smith' })),
      ],
      userTimelineRules,
    );
    expect(timeline.events).toEqual([
      expect.objectContaining({ runId: run(0), kind: 'first-seen', incomplete: true }),
      expect.objectContaining({ runId: run(1), kind: 'changed', incomplete: true, comparedWith: run(0) }),
    ]);
  });

  it('gone, then back: the reappearance lists what differs from the record last seen', () => {
    const timeline = buildTimeline(
      [complete(0, jane()), complete(1), complete(2), complete(3, jane({ key: 'u-2', groups: [] }))],
      userTimelineRules,
    );
    expect(timeline.events.slice(1)).toEqual([
      { runId: run(1), kind: 'gone', lastSeen: run(0) },
      {
        runId: run(3),
        kind: 'reappeared',
        goneSince: run(1),
        lastSeen: run(0),
        record: expect.objectContaining({ key: 'u-2' }),
        changes: [
          { field: 'key', before: 'jane@acme.com', after: 'u-2' },
          { field: 'groups', added: [], removed: ['Sales'] },
        ],
      },
    ]);
    expect(timeline.seen).toMatchObject({ present: true, lastSeen: run(3) });
    expect(timeline.matchedKeys).toEqual(['jane@acme.com', 'u-2']);
  });

  it('an unreadable run proves nothing either way', () => {
    const timeline = buildTimeline(
      [complete(0, jane()), { runId: run(1), status: 'unreadable', reason: 'users.jsonl.gz does not exist' }],
      userTimelineRules,
    );
    expect(timeline.events[1]).toEqual({
      runId: run(1),
      kind: 'unreadable',
      reason: 'users.jsonl.gz does not exist',
    });
    expect(timeline.seen?.present).toBe(true);
    expect(timeline.unreadableRuns).toEqual([{ runId: run(1), reason: 'users.jsonl.gz does not exist' }]);
  });

  it('never seen: no `seen`, but the runs read are counted', () => {
    const timeline = buildTimeline([complete(0), incomplete(1), complete(2)], userTimelineRules);
    expect(timeline.seen).toBeUndefined();
    expect(timeline.snapshotsRead).toBe(3);
    expect(timeline.incompleteRuns).toHaveLength(1);
  });

  it('runs must come in run order', () => {
    const timeline = new Timeline(userTimelineRules);
    timeline.add(complete(1, jane()));
    expect(() => timeline.add(complete(0, jane()))).toThrow(RangeError);
  });
});

describe('what counts as a change', () => {
  it('users: identity and name fields, then groups, then security fields; never the last login', () => {
    const before = jane({ passwordUpdatedAt: '2026-01-01T00:00:00Z' });
    const after = jane({
      email: 'jane.doe@acme.com',
      groups: ['Administrators'],
      mfaEnabled: false,
      passwordUpdatedAt: '2026-11-20T00:00:00Z',
      lastLoginAt: '2026-11-20T00:00:00Z',
    });
    expect(userChanges(before, after).map((change) => change.field)).toEqual([
      'email',
      'groups',
      'passwordUpdatedAt',
      'mfaEnabled',
    ]);
    // `undefined` (the provider lacks the field) and `null` (it is empty) are different facts.
    expect(userChanges(jane({ lastLoginAt: null, createdAt: null }), jane({ createdAt: undefined }))).toEqual(
      [{ field: 'createdAt', before: null, after: undefined }],
    );
  });

  it('groups: fields and member count, and who joined and left when both runs have members', () => {
    const group = { key: 'g1', name: 'Sales', access: 'View', memberCount: 2 };
    const before: ObservedGroup = {
      group,
      members: new Map([
        ['b', { key: 'b', email: 'b@x' }],
        ['c', { key: 'c' }],
      ]),
    };
    const after: ObservedGroup = {
      group: { ...group, name: 'Sales EMEA', memberCount: 3 },
      members: new Map([
        ['d', { key: 'd', email: 'd@x' }],
        ['a', { key: 'a', email: 'a@x' }],
        ['b', { key: 'b', email: 'b@x' }],
      ]),
    };
    expect(groupChanges(before, after)).toEqual([
      { field: 'name', before: 'Sales', after: 'Sales EMEA' },
      { field: 'memberCount', before: 2, after: 3 },
      {
        field: 'members',
        joined: [
          { key: 'a', email: 'a@x' },
          { key: 'd', email: 'd@x' },
        ],
        left: [{ key: 'c' }],
      },
    ]);
    // Without one side's members (an incomplete run, or --no-members) only the fields are compared.
    expect(groupChanges({ group }, after).map((change) => change.field)).toEqual(['name', 'memberCount']);
  });

  it('a group timeline: renamed under the same key is a change, not a new group', () => {
    const timeline = buildTimeline<ObservedGroup, unknown>(
      [
        { runId: run(0), status: 'complete', value: { group: { key: 'g1', name: 'Sales', memberCount: 1 } } },
        {
          runId: run(1),
          status: 'complete',
          value: { group: { key: 'g1', name: 'Revenue', memberCount: 1 } },
        },
      ],
      groupTimelineRules,
    );
    expect(timeline.events[1]).toEqual({
      runId: run(1),
      kind: 'changed',
      comparedWith: run(0),
      changes: [{ field: 'name', before: 'Sales', after: 'Revenue' }],
    });
  });
});

describe('matching the subject', () => {
  it('users by key exactly, provider id exactly, or e-mail in any letter case; best match first', () => {
    const user = { key: 'u-1', id: 'ID-1', email: 'Jane@Acme.com' };
    expect(userMatchRank(user, 'u-1')).toBe(0);
    expect(userMatchRank(user, 'ID-1')).toBe(1);
    expect(userMatchRank(user, 'id-1')).toBeUndefined();
    expect(userMatchRank(user, 'jane@acme.COM')).toBe(2);
    expect(userMatchRank(user, 'jane')).toBeUndefined();
  });

  it('groups by key exactly or name in any letter case', () => {
    expect(groupMatchRank({ key: '42', name: 'Field Ops' }, '42')).toBe(0);
    expect(groupMatchRank({ key: '42', name: 'Field Ops' }, 'field ops')).toBe(1);
    expect(groupMatchRank({ key: '42', name: 'Field Ops' }, 'field')).toBeUndefined();
  });

  it('the search needles: the query as JSON spells it, lower case for users, exact for a group key', () => {
    expect(lineSearch('A"B@X.com')).toEqual({ needle: 'a\\"b@x.com', caseInsensitive: true });
    expect(memberLineSearch('Sales "EU"')).toEqual({ needle: '"Sales \\"EU\\""', caseInsensitive: false });
  });

  it('scans a gzipped file for the lines that contain the needle, across chunks, with their line numbers', async () => {
    const records = Array.from({ length: 20_000 }, (_, index) => ({
      key: `user${String(index).padStart(5, '0')}@x.com`,
      groups: index % 5_000 === 7 ? ['Sales "EU"'] : ['All Users'],
      raw: { padding: 'x'.repeat(80) },
    }));
    records[12_345] = { ...records[12_345], key: 'A"B@X.com' } as (typeof records)[number];
    // A letter whose lower case is longer than itself: that chunk is searched line by line.
    records[19_998] = { ...records[19_998], key: 'İnci@x.com' } as (typeof records)[number];
    const scan = async (search: { needle?: string; caseInsensitive: boolean }) => {
      const found: { line: number; key: string }[] = [];
      for await (const { line, text } of scanLines(gzipJsonLines(records), search.needle, search))
        found.push({ line, key: (JSON.parse(text) as { key: string }).key });
      return found;
    };
    expect(await scan(lineSearch('a"b@x.COM'))).toEqual([{ line: 12_346, key: 'A"B@X.com' }]);
    expect(await scan(lineSearch('user19999@x.com'))).toEqual([{ line: 20_000, key: 'user19999@x.com' }]);
    expect(await scan(lineSearch('i̇nci@x.com'))).toEqual([{ line: 19_999, key: 'İnci@x.com' }]);
    expect((await scan(memberLineSearch('Sales "EU"'))).map((entry) => entry.line)).toEqual([
      8, 5_008, 10_008, 15_008,
    ]);
    expect(await scan(memberLineSearch('Sales'))).toEqual([]);
    expect(await scan({ caseInsensitive: false })).toHaveLength(20_000);
  });
});

describe('reading runs in order with bounded concurrency', () => {
  it('hands results over in input order with at most `limit` reads in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachInOrder(
      [30, 5, 20, 1, 10, 0],
      2,
      async (ms) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, ms));
        inFlight--;
        return ms;
      },
      (result) => {
        seen.push(result);
      },
    );
    expect(seen).toEqual([30, 5, 20, 1, 10, 0]);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('rejects with the first failure, even one that settles before an earlier read', async () => {
    const consumed: number[] = [];
    await expect(
      forEachInOrder(
        [1, 2, 3],
        3,
        async (item) => {
          if (item === 2) throw new Error('run 2 failed');
          await new Promise((resolve) => setTimeout(resolve, 5));
          return item;
        },
        (item) => {
          consumed.push(item);
        },
      ),
    ).rejects.toThrow('run 2 failed');
    expect(consumed).toEqual([1]);
  });
});

describe('printing a history', () => {
  const base = {
    site: 'acme',
    matchedKeys: ['jane@acme.com'],
    snapshotsRead: 5,
    unreadableRuns: [],
    read: { manifests: 5, usersFiles: 5, groupsFiles: 0, groupsFilesForNames: 2 },
    notes: [],
  };
  const record = { ...jane(), raw: undefined };
  const userHistory: UserHistory = {
    ...base,
    subject: { user: 'jane@acme.com' },
    incompleteRuns: [{ runId: run(2), reason: 'users: stopped after 1 page' }],
    firstSeen: run(0),
    lastSeen: run(4),
    present: true,
    events: [
      { runId: run(0), kind: 'first-seen', record },
      { runId: run(1), kind: 'gone', lastSeen: run(0) },
      { runId: run(2), kind: 'incomplete', present: false, reason: 'users: stopped after 1 page' },
      {
        runId: run(3),
        kind: 'reappeared',
        goneSince: run(1),
        lastSeen: run(0),
        record: { ...record, groups: ['g-2'] },
        changes: [{ field: 'groups', added: ['g-2'], removed: ['Sales'] }],
      },
      {
        runId: run(4),
        kind: 'changed',
        comparedWith: run(3),
        changes: [
          { field: 'mfaEnabled', before: true, after: false },
          { field: 'passwordUpdatedAt', before: null, after: '2026-11-21T08:00:00Z' },
        ],
      },
    ],
    lastKnown: { runId: run(4), record: { ...jane({ groups: ['g-2'], mfaEnabled: false }) } },
    groupNames: { 'g-2': 'Field Ops', Sales: 'Sales' },
  };

  it('one line per event, within 100 columns, then the record and what was read', () => {
    let out = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: () => true },
      env: {},
      cwd: '/',
    };
    printHistory(io, userHistory);
    const lines = out.split('\n');
    expect(lines.slice(2, 9)).toEqual([
      `${run(0)}  first seen  Jane@acme.com (Jane Doe) active, groups: Sales`,
      `${run(1)}  gone        not in this complete snapshot; last seen ${run(0)}`,
      // Already gone: an incomplete run without her says no more than that.
      `${run(2)}  incomplete  not in this (incomplete) snapshot`,
      `${run(3)}  back        Jane@acme.com (Jane Doe) active, groups: Field Ops; was gone since`,
      `                              ${run(1)} (last seen ${run(0)}); since then: added to`,
      '                              Field Ops; removed from Sales',
      `${run(4)}  changed     MFA on → off; password changed (2026-11-21T08:00:00Z)`,
    ]);
    expect(lines).toContain(`Latest record (run ${run(4)}):`);
    expect(lines).toContain('  groups      Field Ops');
    expect(lines).toContain('  last login  never');
    expect(lines.every((line) => line.length <= 100)).toBe(true);
  });

  it('a headline for the demo: a present user, a gone group', () => {
    expect(formatHistoryHeadline(userHistory)).toBe(
      `Jane@acme.com: first seen 2026-11-18, last seen ${run(4)}, in Field Ops`,
    );
    const groupHistory: GroupHistory = {
      ...base,
      subject: { group: 'sales' },
      incompleteRuns: [],
      firstSeen: run(0),
      lastSeen: run(1),
      present: false,
      goneSince: run(2),
      events: [],
      lastKnown: {
        runId: run(1),
        record: { key: 'Sales', name: 'Sales', memberCount: 3 },
        members: [{ key: 'a' }, { key: 'b' }, { key: 'c' }],
      },
      groupNames: {},
    };
    expect(formatHistoryHeadline(groupHistory)).toBe(
      `Sales: first seen 2026-11-18, gone since ${run(2)} (last seen ${run(1)}), had 3 members`,
    );
  });
});
