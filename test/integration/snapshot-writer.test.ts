import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListingReport, ProviderExport } from '../../functions/providers/port.ts';
import type { Clock } from '../../functions/shared/clock.ts';
import { SiteError } from '../../functions/shared/errors.ts';
import type { CanonicalGroup, CanonicalUser } from '../../functions/shared/model.ts';
import { latestPointerKey, runIdFor, snapshotRunPrefix } from '../../functions/snapshot/layout.ts';
import { manifestSchema } from '../../functions/snapshot/manifest.ts';
import {
  readGroups,
  readLatest,
  readManifest,
  readUsers,
  verifySnapshot,
} from '../../functions/snapshot/read-snapshot.ts';
import { StreamedUserFiles } from '../../functions/snapshot/streamed-user-files.ts';
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
    const memberships = (await store.get(`${prefix}memberships.csv`))?.toString('utf8') ?? '';
    expect(memberships.split('\r\n').slice(0, 4)).toEqual([
      '\uFEFFuser_key,group_key',
      'user-0000@example.com,admins',
      'user-0000@example.com,everyone',
      'user-0001@example.com,everyone',
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
    const second = await write(store, NOV_23, truncated, ['group details: 1 of 3 failed']);

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

  it('files written while the listing paged are byte for byte those written from the sorted list', async () => {
    const data = siteExport(250);
    const fromList = await write(makeStore(), NOV_22, data);
    const store = makeStore();
    const streamed = new StreamedUserFiles(store, snapshotRunPrefix(SITE, runIdFor(NOV_22)));
    for (let start = 0; start < data.users.length; start += 7)
      streamed.add(data.users.slice(start, start + 7));
    const whileListing = await writeSnapshot({ ...writeInput(store, NOV_22, data), streamedUsers: streamed });

    expect(whileListing.manifest.files).toEqual(fromList.manifest.files);
    expect(whileListing.manifest.counts).toEqual(fromList.manifest.counts);
    expect((await verifySnapshot(store, whileListing.manifestKey)).ok).toBe(true);
  });

  it('users that arrive out of key order are still written sorted: the streamed files are dropped', async () => {
    const data = siteExport(60);
    const fromList = await write(makeStore(), NOV_22, data);
    const store = makeStore();
    const streamed = new StreamedUserFiles(store, snapshotRunPrefix(SITE, runIdFor(NOV_22)));
    streamed.add(data.users.slice(30));
    streamed.add(data.users.slice(0, 30));
    const result = await writeSnapshot({ ...writeInput(store, NOV_22, data), streamedUsers: streamed });

    expect(result.manifest.files).toEqual(fromList.manifest.files);
    const keys = (await collect(readUsers(store, snapshotRunPrefix(SITE, runIdFor(NOV_22))))).map(
      (user) => user.key,
    );
    expect(keys).toEqual(data.users.map((user) => user.key));
  });

  it('an aborted stream leaves no object behind', async () => {
    const store = makeStore();
    const prefix = snapshotRunPrefix(SITE, runIdFor(NOV_22));
    const streamed = new StreamedUserFiles(store, prefix);
    streamed.add(siteExport(40).users);
    await streamed.abort();
    expect(await listAll(store, prefix)).toEqual([]);
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
    expect(keys).toEqual(data.users.map((user) => user.key));
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

  it('refuses a run id that does not match the scheduled time', async () => {
    const store = new FileStore(`${files.path}/mismatch`);
    await expect(
      writeSnapshot({ ...writeInput(store, NOV_22, siteExport(1)), runId: '20261123T020000Z' }),
    ).rejects.toThrow(/does not match the scheduled time/);
  });
});

function write(store: ObjectStore, scheduledAt: Date, data: ProviderExport, extraProblems?: string[]) {
  return writeSnapshot({
    ...writeInput(store, scheduledAt, data),
    ...(extraProblems ? { extraProblems } : {}),
  });
}

function writeInput(store: ObjectStore, scheduledAt: Date, data: ProviderExport) {
  return {
    store,
    site: SITE,
    provider: 'periscope-v1',
    runId: runIdFor(scheduledAt),
    scheduledAt,
    startedAt: new Date(scheduledAt.getTime() + 5_000),
    clock: fixedClock(new Date(scheduledAt.getTime() + 65_000)),
    toolVersion: '0.1.0-test',
    data,
  };
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
function siteExport(count: number, listings: Partial<Record<string, ListingReport>> = {}): ProviderExport {
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
