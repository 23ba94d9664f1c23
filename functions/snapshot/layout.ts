/**
 * The storage layout of DESIGN.md. Keys come from the scheduled time, never from the time a file
 * is written, so a retried run lands on the same keys.
 */

/** `20261122T020000Z` for 2026-11-22T02:00:00Z (seconds kept, milliseconds dropped). */
export function runIdFor(scheduledAt: Date): string {
  return scheduledAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll('-', '')
    .replaceAll(':', '');
}

/** The scheduled time a run id stands for. */
export function scheduledAtOf(runId: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(runId);
  if (!match) throw new Error(`not a run id: ${runId}`);
  const [, y, mo, d, h, mi, s] = match;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

export function datePartitionOf(runId: string): string {
  return scheduledAtOf(runId).toISOString().slice(0, 10);
}

export function siteSnapshotsPrefix(site: string): string {
  return `snapshots/site=${site}/`;
}

export function snapshotRunPrefix(site: string, runId: string): string {
  return `${siteSnapshotsPrefix(site)}date=${datePartitionOf(runId)}/run=${runId}/`;
}

/** `work/site=<site>/`: what unfinished runs and restores of the site keep (leases). */
export function siteWorkPrefix(site: string): string {
  return `work/site=${site}/`;
}

export function runLeaseKey(site: string, runId: string): string {
  return `${siteWorkPrefix(site)}run=${runId}/lease.json`;
}

/** `work/site=<site>/run=<runId>/`: the run's lease, and a sliced export's checkpoint and parts. */
export function runWorkPrefix(site: string, runId: string): string {
  return `${siteWorkPrefix(site)}run=${runId}/`;
}

/** Where a sliced export records how far it got; see functions/export/slices/. */
export function runCheckpointKey(site: string, runId: string): string {
  return `${runWorkPrefix(site, runId)}checkpoint.json`;
}

/** One durable part of a sliced export: the responses one stretch of it read. */
export function runPartKey(site: string, runId: string, part: number): string {
  return `${runWorkPrefix(site, runId)}parts/part-${String(part).padStart(6, '0')}.jsonl.gz`;
}

export function latestPointerKey(site: string): string {
  return `${siteSnapshotsPrefix(site)}latest.json`;
}

export const snapshotFiles = {
  usersJsonl: 'users.jsonl.gz',
  groupsJsonl: 'groups.jsonl.gz',
  usersCsv: 'users.csv',
  groupsCsv: 'groups.csv',
  membershipsCsv: 'memberships.csv',
  manifest: 'manifest.json',
} as const;
