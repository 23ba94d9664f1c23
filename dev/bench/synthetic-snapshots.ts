/**
 * Snapshots of a large synthetic site a day apart (and optionally one a month older, for
 * first-seen dates): the input of `npm run bench:audit`, the browser test's large report and the
 * audit's golden test. Seeded per user, so every run writes the same bytes, and streamed: each
 * file is written by regenerating the users in key order, so no snapshot is ever held in memory.
 * The files are encoded with the snapshot's own encoders and described by a manifest that
 * validates against `manifestSchema`, without depending on the export's writer.
 */
import type { Readable } from 'node:stream';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import type { CanonicalGroup, CanonicalUser, UserStatus } from '../../functions/shared/model.ts';
import {
  type CsvRow,
  csvStream,
  type GroupNameOf,
  groupsCsv,
  membershipGroupKeys,
  membershipsCsvHeader,
  userCsvRow,
  usersCsvHeader,
} from '../../functions/snapshot/csv.ts';
import { putHashed } from '../../functions/snapshot/hashed-put.ts';
import { gzipJsonLines } from '../../functions/snapshot/jsonl.ts';
import {
  latestPointerKey,
  runIdFor,
  snapshotFiles,
  snapshotRunPrefix,
} from '../../functions/snapshot/layout.ts';
import {
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  type ManifestFile,
  manifestSchema,
} from '../../functions/snapshot/manifest.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { createRng, type Rng } from '../emulators/shared/prng.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SyntheticSiteOptions {
  readonly users: number;
  readonly groups: number;
  /** Share of users removed, added or changed between the two snapshots, e.g. 0.02. */
  readonly churn: number;
  readonly yesterday: Date;
  readonly today: Date;
  /** Also write a snapshot at this time, of nine users in ten of yesterday's: what first-seen dates come from. */
  readonly older?: Date;
}

/** The group whose key stays but whose name changes overnight, and the one that disappears. */
const RENAMED_GROUP = 'Team 0001';
const REMOVED_GROUP = 'Team 0002';
const ADDED_GROUP = 'Team new';

export async function writeSyntheticSnapshots(
  store: ObjectStore,
  site: string,
  options: SyntheticSiteOptions,
  toolVersion: string,
): Promise<{ users: [number, number] }> {
  const groupKeys = [
    'Administrators',
    'All Users',
    ...Array.from(
      { length: Math.max(0, options.groups - 2) },
      (_, i) => `Team ${String(i + 1).padStart(4, '0')}`,
    ),
  ];
  const site_ = { store, site, toolVersion };
  if (options.older !== undefined) {
    const older = options.older;
    await writeRun(site_, older, groupKeys, () => olderUsers(options, groupKeys, older));
  }
  const before = await writeRun(site_, options.yesterday, groupKeys, () => beforeUsers(options, groupKeys));
  const afterGroups = [...groupKeys.filter((key) => key !== REMOVED_GROUP), ADDED_GROUP];
  const after = await writeRun(
    site_,
    options.today,
    afterGroups,
    () => afterUsers(options, groupKeys),
    (key) => (key === RENAMED_GROUP ? `${key} (renamed)` : key),
  );
  return { users: [before, after] };
}

function userRng(index: number, salt: number): Rng {
  return createRng(Math.imul(index + 1, 2_654_435_761) ^ salt);
}

function* olderUsers(options: SyntheticSiteOptions, groupKeys: readonly string[], at: Date) {
  for (let index = 0; index < options.users; index++)
    if (index % 10 !== 0) yield syntheticUser(index, groupKeys, at);
}

function* beforeUsers(options: SyntheticSiteOptions, groupKeys: readonly string[]) {
  for (let index = 0; index < options.users; index++)
    yield syntheticUser(index, groupKeys, options.yesterday);
}

/** A third of the churn leaves, a third joins, a third changes (two-factor, groups, password, status). */
function* afterUsers(options: SyntheticSiteOptions, groupKeys: readonly string[]) {
  const share = options.churn / 3;
  for (let index = 0; index < options.users; index++) {
    const user = syntheticUser(index, groupKeys, options.yesterday);
    const rng = userRng(index, 0x5eed);
    if (rng.chance(share)) continue;
    if (!rng.chance(share)) {
      // Most users are unchanged; some logged in since yesterday (activity, not a change).
      yield rng.chance(0.3) ? { ...user, lastLoginAt: options.today.toISOString() } : user;
      continue;
    }
    const groups = [...new Set([...user.groups.slice(0, -1), rng.pick(groupKeys)])].sort();
    yield {
      ...user,
      mfaEnabled: !user.mfaEnabled,
      groups,
      passwordUpdatedAt: options.today.toISOString(),
      ...(rng.chance(0.2) ? { status: 'disabled' as const } : {}),
    };
  }
  const added = Math.round(options.users * share);
  for (let index = 0; index < added; index++)
    yield syntheticUser(options.users + index, groupKeys, options.today);
}

const statuses: readonly UserStatus[] = ['disabled', 'locked', 'invited'];

function syntheticUser(index: number, groupKeys: readonly string[], now: Date): CanonicalUser {
  const rng = userRng(index, 7);
  const email = `user${String(index).padStart(7, '0')}@bench.example`;
  const daysAgo = (max: number) => new Date(now.getTime() - rng.int(0, max * 24) * 3_600_000).toISOString();
  const lastLoginAt = rng.chance(0.08) ? null : daysAgo(rng.chance(0.8) ? 40 : 400);
  const passwordUpdatedAt = rng.chance(0.05) ? null : daysAgo(200);
  const teams = groupKeys.slice(2);
  const groups = ['All Users', ...Array.from({ length: rng.int(1, 3) }, () => rng.pick(teams))];
  if (rng.chance(0.01)) groups.push('Administrators');
  const unique = [...new Set(groups)].sort();
  const mfaEnabled = rng.chance(0.85);
  const status = rng.chance(0.05) ? rng.pick(statuses) : 'unknown';
  const createdAt = rng.chance(0.3) ? daysAgo(600) : undefined;
  const [firstName, lastName] = [`First${index % 977}`, `Last${index % 1213}`];
  return {
    key: email,
    email,
    firstName,
    lastName,
    status,
    groups: unique,
    lastLoginAt,
    passwordUpdatedAt,
    mfaEnabled,
    ...(createdAt === undefined ? {} : { createdAt }),
    raw: {
      first_name: firstName,
      last_name: lastName,
      email,
      groups: unique,
      last_login_at: lastLoginAt,
      password_updated_at: passwordUpdatedAt,
      tfa_enabled: mfaEnabled,
    },
  };
}

interface SiteTarget {
  readonly store: ObjectStore;
  readonly site: string;
  readonly toolVersion: string;
}

/** Writes one complete run and moves latest.json to it; returns its user count. */
async function writeRun(
  { store, site, toolVersion }: SiteTarget,
  scheduledAt: Date,
  groupKeys: readonly string[],
  users: () => Iterable<CanonicalUser>,
  nameOf: (key: string) => string = (key) => key,
): Promise<number> {
  const runId = runIdFor(scheduledAt);
  const prefix = snapshotRunPrefix(site, runId);
  const members = new Map<string, number>();
  let userCount = 0;
  let membershipCount = 0;
  for (const user of users()) {
    userCount++;
    membershipCount += user.groups.length;
    for (const group of user.groups) members.set(group, (members.get(group) ?? 0) + 1);
  }
  const groups: CanonicalGroup[] = [...groupKeys].sort().map((key) => ({
    key,
    name: nameOf(key),
    access: 'View',
    memberCount: members.get(key) ?? 0,
    raw: { name: nameOf(key), access: 'View' },
  }));
  const put = async (name: string, records: number, type: string, body: Readable): Promise<ManifestFile> => ({
    name,
    records,
    ...(await putHashed(store, `${prefix}${name}`, body, type)),
  });
  const files = [
    await put(snapshotFiles.usersJsonl, userCount, 'application/gzip', gzipJsonLines(users())),
    await put(snapshotFiles.groupsJsonl, groups.length, 'application/gzip', gzipJsonLines(groups)),
    await put(
      snapshotFiles.usersCsv,
      userCount,
      'text/csv; charset=utf-8',
      csvStream(usersCsvHeader, userRows(users(), nameOf)),
    ),
    await put(snapshotFiles.groupsCsv, groups.length, 'text/csv; charset=utf-8', groupsCsv(groups)),
    await put(
      snapshotFiles.membershipsCsv,
      membershipCount,
      'text/csv; charset=utf-8',
      csvStream(membershipsCsvHeader, membershipRows(users(), nameOf)),
    ),
  ];
  const listing = (records: number) => ({
    pages: Math.ceil(records / 100),
    reportedTotal: records,
    uniqueRecords: records,
    duplicatesDropped: 0,
    retries: 0,
    complete: true,
  });
  const manifest: Manifest = manifestSchema.parse({
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    tool: { name: 'rollcall', version: toolVersion },
    site,
    provider: 'periscope-v1',
    providerName: periscopeV1.displayName,
    capabilities: periscopeV1.capabilities,
    runId,
    scheduledAt: scheduledAt.toISOString(),
    startedAt: scheduledAt.toISOString(),
    finishedAt: new Date(scheduledAt.getTime() + 60_000).toISOString(),
    status: 'complete',
    counts: { users: userCount, groups: groups.length, memberships: membershipCount },
    source: { users: listing(userCount), groups: listing(groups.length) },
    files,
  });
  const manifestKey = `${prefix}${snapshotFiles.manifest}`;
  await store.put(manifestKey, `${JSON.stringify(manifest, null, 2)}\n`, { contentType: 'application/json' });
  await store.put(latestPointerKey(site), `${JSON.stringify({ runId, key: manifestKey }, null, 2)}\n`, {
    contentType: 'application/json',
  });
  return userCount;
}

/** users.csv's rows, lazily: the snapshot's own row encoder over users regenerated in key order. */
function* userRows(users: Iterable<CanonicalUser>, groupName: GroupNameOf): Generator<CsvRow> {
  for (const user of users) yield userCsvRow(user, groupName);
}

/** memberships.csv's rows as the export writes them: by user key, then group key, each once. */
function* membershipRows(users: Iterable<CanonicalUser>, groupName: GroupNameOf): Generator<CsvRow> {
  for (const user of users)
    for (const group of membershipGroupKeys(user)) yield [user.key, group, user.email, groupName(group)];
}

export { DAY_MS };
