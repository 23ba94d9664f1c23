import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../functions/shared/clock.ts';
import { SiteError } from '../../functions/shared/errors.ts';
import type {
  ExportTarget,
  ListingReport,
  ProviderExport,
  UserSink,
  UserSinkOptions,
} from '../../functions/shared/export-model.ts';
import { type CanonicalGroup, type CanonicalUser, compareKeys } from '../../functions/shared/model.ts';
import {
  csvStream,
  groupCsvRow,
  groupsCsvHeader,
  membershipsCsvHeader,
  userCsvRow,
  usersCsvHeader,
} from '../../functions/snapshot/csv.ts';
import { gzipJsonLines } from '../../functions/snapshot/jsonl.ts';
import { latestPointerKey, runIdFor, snapshotRunPrefix } from '../../functions/snapshot/layout.ts';
import { manifestSchema } from '../../functions/snapshot/manifest.ts';
import {
  readGroups,
  readLatest,
  readManifest,
  readUsers,
  verifySnapshot,
} from '../../functions/snapshot/read-snapshot.ts';
import { writeSnapshot } from '../../functions/snapshot/write-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { startTestS3, type TestS3 } from '../support/local-s3.ts';
import { SNAPSHOT_FILE_NAMES } from '../support/snapshot-files.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const SITE = 'acme';
const NOV_22 = new Date('2026-11-22T02:00:00Z');
const NOV_23 = new Date('2026-11-23T02:00:00Z');

let files: Awaited<ReturnType<typeof makeTempDir>>;
let s3: TestS3;
let storeCount = 0;

beforeAll(async () => {
  [files, s3] = await Promise.all([makeTempDir('snapshot-writer'), startTestS3()]);
});

afterAll(async () => {
  await Promise.all([files?.remove(), s3?.stop()]);
});

const stores: [string, () => ObjectStore][] = [
  ['file store', () => new FileStore(`${files.path}/store-${++storeCount}`)],
  ['S3 store (local s3rver)', () => s3.store(`archive-${++storeCount}`)],
];

describe.each(stores)('snapshot writer on the %s', (_name, makeStore) => {
  it('writes all six files of a complete run; hashes, records and latest.json check out when read back', async () => {
    const store = makeStore();
    const data = siteExport(25);
    const result = await write(store, NOV_22, data);

    const prefix = snapshotRunPrefix(SITE, '20261122T020000Z');
    expect(prefix).toBe('snapshots/site=acme/date=2026-11-22/run=20261122T020000Z/');
    expect(await listAll(store, prefix)).toEqual(SNAPSHOT_FILE_NAMES.map((name) => `${prefix}${name}`));
    expect(result.manifestKey).toBe(`${prefix}manifest.json`);

    const stored = manifestSchema.parse(
      JSON.parse((await store.get(result.manifestKey))?.toString('utf8') ?? ''),
    );
    expect(stored).toEqual(result.manifest);
    expect(stored).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'rollcall', version: '0.1.0-test' },
      site: SITE,
      provider: 'periscope-v1',
      runId: '20261122T020000Z',
      scheduledAt: '2026-11-22T02:00:00.000Z',
      startedAt: '2026-11-22T02:00:05.000Z',
      status: 'complete',
      counts: { users: 25, groups: 3, memberships: 34 },
      source: { users: data.listings.users, groups: data.listings.groups },
    });
    expect(stored.reason).toBeUndefined();
    expect(stored.files.map((file) => [file.name, file.records])).toEqual([
      ['users.jsonl.gz', 25],
      ['groups.jsonl.gz', 3],
      ['users.csv', 25],
      ['groups.csv', 3],
      ['memberships.csv', 34],
    ]);
    for (const file of stored.files) {
      const bytes = (await store.get(`${prefix}${file.name}`)) ?? Buffer.alloc(0);
      expect(bytes.length, file.name).toBe(file.bytes);
      expect(sha256(bytes), file.name).toBe(file.sha256);
    }

    expect(await collect(readUsers(store, prefix))).toEqual(data.users);
    expect(await collect(readGroups(store, prefix))).toEqual(data.groups);
    const jsonl = gunzipSync((await store.get(`${prefix}users.jsonl.gz`)) ?? Buffer.alloc(0)).toString(
      'utf8',
    );
    expect(jsonl.split('\n')).toHaveLength(26);

    const usersCsv = (await store.get(`${prefix}users.csv`))?.toString('utf8') ?? '';
    expect(usersCsv.startsWith('\uFEFFkey,id,email,first_name,last_name,status,groups,')).toBe(true);
    expect(usersCsv).toContain(`"O'Hara, ""Scarlett"""`);
    // Group names although the users arrived before the groups were listed; the keys beside them.
    expect(usersCsv.split('\r\n')[1]).toMatch(/,"Everyone; Admins",.*,"everyone; admins"$/);
    const memberships = (await store.get(`${prefix}memberships.csv`))?.toString('utf8') ?? '';
    expect(memberships.split('\r\n').slice(0, 4)).toEqual([
      '\uFEFFuser_key,group_key,user_email,group_name',
      'user-0000@example.com,admins,user-0000@example.com,Admins',
      'user-0000@example.com,everyone,user-0000@example.com,Everyone',
      'user-0001@example.com,everyone,user-0001@example.com,Everyone',
    ]);

    expect(result.latestMoved).toBe(true);
    expect(await readLatest(store, SITE)).toEqual({ runId: '20261122T020000Z', key: result.manifestKey });
    expect(await readManifest(store, SITE, '20261122T020000Z')).toEqual(result.manifest);
    expect((await verifySnapshot(store, result.manifestKey)).ok).toBe(true);
  });

  it('an incomplete run keeps its files, says why, and leaves latest.json on the last complete run', async () => {
    const store = makeStore();
    const first = await write(store, NOV_22, siteExport(10));
    const truncated = siteExport(8, {
      users: {
        ...listing(10),
        uniqueRecords: 8,
        complete: false,
        reason: 'users: the cursor repeated on page 3',
      },
    });
    const second = await write(store, NOV_23, {
      ...truncated,
      listings: {
        ...truncated.listings,
        groupDetails: { ...listing(3), complete: false, reason: 'group details: 1 of 3 failed' },
      },
    });

    expect(second.latestMoved).toBe(false);
    expect(second.manifest.status).toBe('incomplete');
    expect(second.manifest.reason).toBe('users: the cursor repeated on page 3; group details: 1 of 3 failed');
    expect(await readManifest(store, SITE, '20261123T020000Z')).toEqual(second.manifest);
    expect(await listAll(store, snapshotRunPrefix(SITE, '20261123T020000Z'))).toHaveLength(6);
    expect(await collect(readUsers(store, snapshotRunPrefix(SITE, '20261123T020000Z')))).toHaveLength(8);
    expect(await readLatest(store, SITE)).toEqual({ runId: '20261122T020000Z', key: first.manifestKey });
  });

  it('calls a run incomplete when a listing has fewer unique records than the API reported', async () => {
    const store = makeStore();
    const data = siteExport(5, { users: { ...listing(6), uniqueRecords: 5 } });
    const result = await write(store, NOV_22, data);
    expect(result.manifest.status).toBe('incomplete');
    expect(result.manifest.reason).toBe('users: 5 unique records, but the API reported 6');
    expect(await readLatest(store, SITE)).toBeUndefined();
  });

  it('an older complete run written after a newer one does not move latest.json backwards', async () => {
    const store = makeStore();
    const newer = await write(store, NOV_23, siteExport(4));
    const older = await write(store, NOV_22, siteExport(3));

    expect(newer.latestMoved).toBe(true);
    expect(older.latestMoved).toBe(false);
    expect(older.manifest.status).toBe('complete');
    expect(await readLatest(store, SITE)).toEqual({ runId: '20261123T020000Z', key: newer.manifestKey });
    expect((await readManifest(store, SITE, '20261122T020000Z'))?.counts.users).toBe(3);
  });

  it('a failed retry of a complete run keeps the complete snapshot', async () => {
    const store = makeStore();
    const complete = await write(store, NOV_22, siteExport(6));
    const retry = await write(
      store,
      NOV_22,
      siteExport(2, { users: { ...listing(6), complete: false, reason: 'users: HTTP 500' } }),
    );

    expect(retry.manifest.status).toBe('incomplete');
    expect(retry.manifest.reason).toContain('users: HTTP 500');
    expect(retry.manifest.reason).toContain('a complete snapshot of this run already exists');
    expect(retry.latestMoved).toBe(false);
    expect(await readManifest(store, SITE, '20261122T020000Z')).toEqual(complete.manifest);
    expect((await verifySnapshot(store, complete.manifestKey)).ok).toBe(true);
  });

  it('verifySnapshot finds a file that was changed after the run', async () => {
    const store = makeStore();
    const { manifestKey } = await write(store, NOV_22, siteExport(5));
    const prefix = snapshotRunPrefix(SITE, '20261122T020000Z');
    const original = (await store.get(`${prefix}users.csv`))?.toString('utf8') ?? '';
    await store.put(`${prefix}users.csv`, original.replace('user-0003@example.com', 'user-9999@example.com'));

    const verification = await verifySnapshot(store, manifestKey);
    expect(verification.ok).toBe(false);
    expect(verification.files.filter((file) => !file.ok).map((file) => file.name)).toEqual(['users.csv']);
    expect(verification.problems).toHaveLength(1);
    expect(verification.problems[0]).toMatch(
      /^users\.csv has SHA-256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}$/,
    );
  });

  it('users arriving in key order, shuffled, or spilled in many runs give the same bytes as the sorted list encoded at once', async () => {
    const data = siteExport(250);
    const reference = await referenceFiles(data.users, data.groups);
    const shuffled = { ...data, users: shuffle(data.users) };
    for (const [arrival, options] of [
      [data, {}],
      [shuffled, {}],
      [shuffled, { memoryBudgetBytes: 4 * 1024 }],
    ] as const) {
      const store = makeStore();
      const result = await write(store, NOV_22, arrival, options);
      expect(result.manifest.status).toBe('complete');
      expect(Object.fromEntries(result.manifest.files.map((file) => [file.name, file.sha256]))).toEqual(
        reference,
      );
      expect(result.manifest.counts).toEqual({ users: 250, groups: 3, memberships: 334 });
    }
  });

  it('a user out of order after megabytes streamed in order: the files so far are replayed into the sort, same bytes', async () => {
    const data = siteExport(6_000);
    const sorted = [...data.users].sort((a, b) => compareKeys(a.key, b.key));
    const late = sorted.splice(3, 1);
    const store = makeStore();
    const result = await write(store, NOV_22, { ...data, users: [...sorted, ...late] });
    expect(Object.fromEntries(result.manifest.files.map((file) => [file.name, file.sha256]))).toEqual(
      await referenceFiles(data.users, data.groups),
    );
    expect(result.manifest.counts.users).toBe(6_000);
  });

  it('a budget smaller than a tenth of the site spills several sorted runs, and removes them all', async () => {
    const store = makeStore();
    const spill = await makeTempDir('spill-runs');
    let runsBeforeClose: string[] = [];
    const data = siteExport(400);
    await write(
      store,
      NOV_22,
      { ...data, users: shuffle(data.users) },
      {
        spill: { directory: spill.path, memoryBudgetBytes: 16 * 1024 },
        beforeClose: async () => {
          runsBeforeClose = await filesUnder(spill.path);
        },
      },
    );
    expect(runsBeforeClose.filter((name) => /users-\d+\.run$/.test(name)).length).toBeGreaterThan(3);
    expect(await filesUnder(spill.path)).toEqual([]);
    await spill.remove();
  });

  it('a repeated key keeps the latest arrival and counts the one dropped; a different record under it is counted apart', async () => {
    const data = siteExport(20);
    const earlier = data.users.slice(0, 5).map((user) => ({ ...user, firstName: 'Earlier' }));
    const renamed = { ...(data.users[7] as CanonicalUser), email: 'someone-else@example.com' };
    for (const [order, label] of [
      [[...earlier, ...data.users, renamed], 'in key order'],
      [shuffle([...earlier, ...data.users, renamed]), 'shuffled'],
    ] as const) {
      const summaries: unknown[] = [];
      const store = makeStore();
      await write(
        store,
        NOV_22,
        { ...data, users: order },
        {
          sameUser: (kept, other) => kept.email === other.email,
          summaries,
        },
      );
      const users = await collect(readUsers(store, snapshotRunPrefix(SITE, runIdFor(NOV_22))));
      expect(
        users.map((user) => user.key),
        label,
      ).toEqual(data.users.map((user) => user.key));
      expect(summaries[0], label).toMatchObject({
        uniqueUsers: 20,
        duplicatesDropped: 6,
        differingDuplicates: 1,
        firstDifferingKey: 'user-0007@example.com',
      });
      const lastArrival = order.findLast((user) => user.key === 'user-0000@example.com');
      expect(users[0]?.firstName, label).toBe(lastArrival?.firstName);
      expect(users[7]?.email, label).toBe('someone-else@example.com');
    }
  });

  it('restart forgets every user added before it; exclude leaves users out of the files', async () => {
    const store = makeStore();
    const data = siteExport(30);
    const result = await write(store, NOV_22, data, {
      before: async (sink) => {
        await sink.add(siteExport(12).users.map((user) => ({ ...user, key: `stale-${user.key}` })));
        await sink.restart();
      },
      exclude: ['user-0004@example.com', 'user-0010@example.com'],
    });
    const keys = (await collect(readUsers(store, snapshotRunPrefix(SITE, runIdFor(NOV_22))))).map(
      (user) => user.key,
    );
    expect(keys).toHaveLength(28);
    expect(keys).not.toContain('user-0004@example.com');
    expect(keys.some((key) => key.startsWith('stale-'))).toBe(false);
    expect(result.manifest.counts.users).toBe(28);
  });

  it('an export that fails leaves neither snapshot files nor spill behind', async () => {
    const store = makeStore();
    const spill = await makeTempDir('spill-failed');
    const prefix = snapshotRunPrefix(SITE, runIdFor(NOV_22));
    const failure = await write(store, NOV_22, siteExport(300), {
      spill: { directory: spill.path, memoryBudgetBytes: 8 * 1024 },
      beforeClose: () => Promise.reject(new SiteError('server', 'site acme: HTTP 503 after 4 attempts')),
    }).catch((error: unknown) => error);
    expect((failure as Error).message).toBe('site acme: HTTP 503 after 4 attempts');
    expect(await listAll(store, prefix)).toEqual([]);
    expect(await filesUnder(spill.path)).toEqual([]);
    await spill.remove();
  });

  it('streams a 40,000-user site (users.csv over 5 MiB: multipart on S3) and hashes what was stored', async () => {
    const store = makeStore();
    const data = siteExport(40_000);
    const { manifest, manifestKey } = await write(store, NOV_22, data);
    const usersCsv = manifest.files.find((file) => file.name === 'users.csv');
    expect(usersCsv?.bytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(manifest.counts).toEqual({ users: 40_000, groups: 3, memberships: 53_334 });
    expect((await verifySnapshot(store, manifestKey)).ok).toBe(true);
    const keys: string[] = [];
    for await (const user of readUsers(store, snapshotRunPrefix(SITE, '20261122T020000Z')))
      keys.push(user.key);
    expect(keys).toEqual(data.users.map((user) => user.key).sort(compareKeys));
  }, 120_000);
});

describe('snapshot writer failures', () => {
  it('a store that cannot be written surfaces as the site’s "store" error, with the cause', async () => {
    // The store's root is below a regular file, so every write fails in the file system itself.
    const blocker = `${files.path}/not-a-directory`;
    await writeFile(blocker, 'x');
    const store = new FileStore(`${blocker}/store`);

    const failure = await write(store, NOV_22, siteExport(3)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SiteError);
    expect((failure as SiteError).kind).toBe('store');
    expect((failure as SiteError).message).toContain('site acme');
    expect((failure as SiteError).cause).toBeInstanceOf(Error);
    expect(await store.get(latestPointerKey(SITE))).toBeUndefined();
  });

  it('a spill directory that cannot be made ends the export with a store error naming it; nothing is stored', async () => {
    const blocker = `${files.path}/spill-blocker`;
    await writeFile(blocker, 'x');
    const store = new FileStore(`${files.path}/unspillable`);
    const failure = await write(store, NOV_22, siteExport(50), {
      spill: { directory: `${blocker}/spill`, memoryBudgetBytes: 1024 },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SiteError);
    expect((failure as SiteError).kind).toBe('store');
    expect((failure as SiteError).message).toBe(
      `could not make a folder in the spill directory ${blocker}/spill: part of its path is a file, not a directory`,
    );
    expect(await listAll(store, '')).toEqual([]);
  });

  it('a spill directory removed while the export runs fails the export, naming the directory', async () => {
    const spill = await makeTempDir('spill-vanishing');
    const store = new FileStore(`${files.path}/vanishing`);
    const data = siteExport(300);
    const failure = await write(
      store,
      NOV_22,
      { ...data, users: shuffle(data.users) },
      {
        spill: { directory: spill.path, memoryBudgetBytes: 4 * 1024 },
        midway: () => spill.remove(),
      },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SiteError);
    expect((failure as SiteError).message).toMatch(
      new RegExp(
        `^could not (create a file|write|read a file) in the spill directory ${spill.path}/rollcall-spill-[^:]+: it does not exist`,
      ),
    );
    expect(await listAll(store, '')).toEqual([]);
  });

  it('spill folders left by a process that is gone are removed by the next export', async () => {
    const spill = await makeTempDir('spill-abandoned');
    await mkdir(`${spill.path}/rollcall-spill-999999999-0badc0de-x1`, { recursive: true });
    await writeFile(`${spill.path}/rollcall-spill-999999999-0badc0de-x1/users-1.run`, 'left by a crash');
    await writeFile(`${spill.path}/unrelated.txt`, 'not ours');
    await write(new FileStore(`${files.path}/after-crash`), NOV_22, siteExport(5), {
      spill: { directory: spill.path, memoryBudgetBytes: 1024 },
    });
    expect(await readdir(spill.path)).toEqual(['unrelated.txt']);
    await spill.remove();
  });

  it('refuses a run id that does not match the scheduled time', async () => {
    const store = new FileStore(`${files.path}/mismatch`);
    await expect(
      writeSnapshot({ ...writeInput(store, NOV_22, siteExport(1), {}), runId: '20261123T020000Z' }),
    ).rejects.toThrow(/does not match the scheduled time/);
  });
});

interface TestExport {
  /** In the order they arrive. */
  readonly users: readonly CanonicalUser[];
  readonly groups: CanonicalGroup[];
  readonly listings: Record<string, ListingReport>;
}

interface WriteOptions {
  readonly spill?: { directory: string; memoryBudgetBytes: number };
  readonly memoryBudgetBytes?: number;
  readonly sameUser?: UserSinkOptions['sameUser'];
  readonly exclude?: readonly string[];
  /** Collects the sink's summary. */
  readonly summaries?: unknown[];
  before?(sink: UserSink): Promise<void>;
  /** Runs halfway through the users. */
  midway?(): Promise<void>;
  beforeClose?(): Promise<void>;
}

/** Writes a run the way a connector does: users in pages of 7 into the sink, then the groups. */
function write(store: ObjectStore, scheduledAt: Date, data: TestExport, options: WriteOptions = {}) {
  return writeSnapshot(writeInput(store, scheduledAt, data, options));
}

function writeInput(store: ObjectStore, scheduledAt: Date, data: TestExport, options: WriteOptions) {
  return {
    store,
    site: SITE,
    provider: 'periscope-v1',
    runId: runIdFor(scheduledAt),
    scheduledAt,
    startedAt: new Date(scheduledAt.getTime() + 5_000),
    clock: fixedClock(new Date(scheduledAt.getTime() + 65_000)),
    toolVersion: '0.1.0-test',
    spill: options.spill ?? {
      directory: files.path,
      memoryBudgetBytes: options.memoryBudgetBytes ?? 1024 * 1024,
    },
    exportInto: async (target: ExportTarget): Promise<ProviderExport> => {
      const sink = target.openUsers(options.sameUser ? { sameUser: options.sameUser } : {});
      await options.before?.(sink);
      for (let start = 0; start < data.users.length; start += 7) {
        if (start >= data.users.length / 2 && start - 7 < data.users.length / 2) await options.midway?.();
        await sink.add(data.users.slice(start, start + 7));
      }
      if (options.exclude) sink.exclude(options.exclude);
      await options.beforeClose?.();
      const users = await sink.close();
      options.summaries?.push(users);
      return { groups: data.groups, listings: data.listings, users };
    },
  };
}

/** The files as the writer encoded them before users streamed: the sorted list through the encoders at once. */
async function referenceFiles(users: readonly CanonicalUser[], groups: CanonicalGroup[]) {
  const sorted = [...users].sort((a, b) => compareKeys(a.key, b.key));
  const names = new Map(groups.map((group) => [group.key, group.name]));
  const nameOf = (key: string) => names.get(key) ?? key;
  const memberships = sorted.flatMap((user) =>
    [...new Set(user.groups)].sort().map((group) => [user.key, group, user.email, nameOf(group)] as const),
  );
  const bodies = {
    'users.jsonl.gz': gzipJsonLines(sorted),
    'groups.jsonl.gz': gzipJsonLines(groups),
    'users.csv': csvStream(
      usersCsvHeader,
      sorted.map((user) => userCsvRow(user, nameOf)),
    ),
    'groups.csv': csvStream(groupsCsvHeader, groups.map(groupCsvRow)),
    'memberships.csv': csvStream(membershipsCsvHeader, memberships),
  };
  const hashes: Record<string, string> = {};
  for (const [name, body] of Object.entries(bodies)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    hashes[name] = sha256(Buffer.concat(chunks));
  }
  return hashes;
}

/** A fixed shuffle: the same order on every run. */
function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 7;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function filesUnder(directory: string): Promise<string[]> {
  return (await readdir(directory, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

function fixedClock(now: Date): Clock {
  return { now: () => new Date(now) };
}

function listing(records: number): ListingReport {
  return {
    pages: Math.max(1, Math.ceil(records / 100)),
    reportedTotal: records,
    uniqueRecords: records,
    duplicatesDropped: 0,
    retries: 0,
    complete: true,
  };
}

/** `count` users sorted by key, every one in "everyone", every third also in "admins"; hostile names included. */
function siteExport(count: number, listings: Partial<Record<string, ListingReport>> = {}): TestExport {
  const users: CanonicalUser[] = Array.from({ length: count }, (_, index) => {
    const key = `user-${String(index).padStart(4, '0')}@example.com`;
    const groups = index % 3 === 0 ? ['everyone', 'admins'] : ['everyone'];
    return {
      key,
      id: String(1_000 + index),
      email: key,
      firstName: index === 1 ? '=HYPERLINK("http://evil.example")' : `Zoë ${index} 😀`,
      lastName: index === 2 ? `O'Hara, "Scarlett"` : 'مرحبا\nworld',
      status: index % 7 === 6 ? 'disabled' : 'active',
      groups,
      lastLoginAt: index % 5 === 0 ? null : '2026-11-20T08:00:00Z',
      passwordUpdatedAt: '2026-01-01T00:00:00Z',
      mfaEnabled: index % 2 === 0 ? true : index % 4 === 1 ? false : null,
      createdAt: '2024-01-01T00:00:00Z',
      raw: { user_id: 1_000 + index, email: key, groups, nested: { vendor: 'field' } },
    };
  });
  const groups: CanonicalGroup[] = [
    { key: 'admins', id: '1', name: 'Admins', memberCount: Math.ceil(count / 3), raw: { id: 1 } },
    {
      key: 'everyone',
      id: '2',
      name: 'Everyone',
      description: '+all users',
      memberCount: count,
      raw: { id: 2 },
    },
    { key: 'nobody', name: 'Nobody', access: 'none', memberCount: 0, raw: { id: 3 } },
  ];
  return {
    users,
    groups,
    listings: { users: listing(count), groups: listing(3), ...listings } as Record<string, ListingReport>,
  };
}

async function listAll(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
