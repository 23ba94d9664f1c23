import { scheduledAtOf } from '../snapshot/layout.ts';
import type { StoredRun } from '../snapshot/list-runs.ts';
import { readManifestAt, readUsers, runPrefixOf } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import type { AuditedUser } from './model.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When the never-logged-in users without a created date were first seen, as far as the rule
 * needs it: a user is past the grace period exactly when a complete snapshot older than the grace
 * period contains them. Only the newest such snapshot is read (one snapshot, not the whole
 * history), so the date returned is "in the store since at least"; a user deleted and re-created
 * since then counts as new, which is what an auditor expects of a new account.
 */
export async function firstSeenAt(
  store: ObjectStore,
  runs: readonly StoredRun[],
  users: readonly AuditedUser[],
  scheduledAt: Date,
  graceDays: number,
): Promise<Map<string, string>> {
  const firstSeen = new Map<string, string>();
  const candidates = new Set(
    users.filter((user) => user.lastLoginAt === null && !user.createdAt).map((user) => user.key),
  );
  if (candidates.size === 0) return firstSeen;
  const cutoff = scheduledAt.getTime() - graceDays * DAY_MS;
  for (let index = runs.length - 1; index >= 0; index--) {
    const run = runs[index] as StoredRun;
    const runAt = scheduledAtOf(run.runId);
    if (runAt.getTime() >= cutoff) continue;
    const manifest = await readManifestAt(store, run.manifestKey);
    if (manifest?.status !== 'complete') continue;
    for await (const user of readUsers(store, runPrefixOf(run.manifestKey))) {
      if (candidates.has(user.key)) firstSeen.set(user.key, runAt.toISOString());
    }
    break;
  }
  return firstSeen;
}
