/**
 * Two snapshots of a large synthetic site a day apart, written with the real snapshot writer:
 * the input of `npm run bench:audit`. Seeded, so every run measures the same data.
 */
import type { ListingReport } from '../../functions/shared/export-model.ts';
import { type CanonicalGroup, type CanonicalUser, compareKeys } from '../../functions/shared/model.ts';
import { runIdFor } from '../../functions/snapshot/layout.ts';
import { defaultSpillSettings } from '../../functions/snapshot/spill/spill-directory.ts';
import { writeSnapshot } from '../../functions/snapshot/write-snapshot.ts';
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
}

export async function writeSyntheticSnapshots(
  store: ObjectStore,
  site: string,
  options: SyntheticSiteOptions,
  toolVersion: string,
): Promise<{ users: [number, number] }> {
  const rng = createRng(7);
  const groupNames = [
    'Administrators',
    'All Users',
    ...Array.from({ length: options.groups - 2 }, (_, i) => `Team ${String(i + 1).padStart(4, '0')}`),
  ];
  const before = Array.from({ length: options.users }, (_, index) =>
    syntheticUser(rng, index, groupNames, options.yesterday),
  );
  const after = churned(rng, before, groupNames, options);
  await write(store, site, before, groupNames, options.yesterday, toolVersion);
  await write(store, site, after, groupNames, options.today, toolVersion);
  return { users: [before.length, after.length] };
}

/** A third of the churn leaves, a third joins, a third changes (two-factor, groups, password). */
function churned(
  rng: Rng,
  before: readonly CanonicalUser[],
  groupNames: readonly string[],
  options: SyntheticSiteOptions,
) {
  const share = options.churn / 3;
  const after: CanonicalUser[] = [];
  for (const user of before) {
    if (rng.chance(share)) continue;
    if (!rng.chance(share)) {
      after.push(user);
      continue;
    }
    const groups = [...new Set([...user.groups.slice(0, -1), rng.pick(groupNames)])];
    after.push({
      ...user,
      mfaEnabled: !user.mfaEnabled,
      groups,
      passwordUpdatedAt: options.today.toISOString(),
    });
  }
  const added = Math.round(before.length * share);
  for (let index = 0; index < added; index++)
    after.push(syntheticUser(rng, before.length + index, groupNames, options.today));
  return after;
}

function syntheticUser(rng: Rng, index: number, groupNames: readonly string[], now: Date): CanonicalUser {
  const email = `user${String(index).padStart(7, '0')}@bench.example`;
  const daysAgo = (max: number) => new Date(now.getTime() - rng.int(0, max * 24) * 3_600_000).toISOString();
  const lastLoginAt = rng.chance(0.08) ? null : daysAgo(rng.chance(0.8) ? 40 : 400);
  const passwordUpdatedAt = rng.chance(0.05) ? null : daysAgo(200);
  const groups = ['All Users', ...Array.from({ length: rng.int(1, 3) }, () => rng.pick(groupNames.slice(2)))];
  if (rng.chance(0.01)) groups.push('Administrators');
  const unique = [...new Set(groups)].sort(compareKeys);
  const mfaEnabled = rng.chance(0.85);
  const [firstName, lastName] = [`First${index % 977}`, `Last${index % 1213}`];
  return {
    key: email,
    email,
    firstName,
    lastName,
    status: 'unknown',
    groups: unique,
    lastLoginAt,
    passwordUpdatedAt,
    mfaEnabled,
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

async function write(
  store: ObjectStore,
  site: string,
  unsorted: readonly CanonicalUser[],
  groupNames: readonly string[],
  scheduledAt: Date,
  toolVersion: string,
) {
  const users = [...unsorted].sort((a, b) => compareKeys(a.key, b.key));
  const members = new Map<string, number>();
  for (const user of users)
    for (const group of user.groups) members.set(group, (members.get(group) ?? 0) + 1);
  const groups: CanonicalGroup[] = [...groupNames].sort(compareKeys).map((name) => ({
    key: name,
    name,
    access: 'View',
    memberCount: members.get(name) ?? 0,
    raw: { name, access: 'View' },
  }));
  const listing = (records: number): ListingReport => ({
    pages: Math.ceil(records / 100),
    reportedTotal: records,
    uniqueRecords: records,
    duplicatesDropped: 0,
    retries: 0,
    complete: true,
  });
  await writeSnapshot({
    store,
    site,
    provider: 'periscope-v1',
    runId: runIdFor(scheduledAt),
    scheduledAt,
    startedAt: scheduledAt,
    clock: { now: () => new Date(scheduledAt.getTime() + 60_000) },
    toolVersion,
    spill: defaultSpillSettings(),
    exportInto: async (target) => {
      const sink = target.openUsers();
      for (let start = 0; start < users.length; start += 1000)
        await sink.add(users.slice(start, start + 1000));
      return {
        groups,
        listings: { users: listing(users.length), groups: listing(groups.length) },
        users: await sink.close(),
      };
    },
  });
}

export { DAY_MS };
