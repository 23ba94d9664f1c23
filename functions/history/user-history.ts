import { mapWithConcurrency } from '../shared/concurrency.ts';
import { type CanonicalUser, compareKeys } from '../shared/model.ts';
import { snapshotFiles } from '../snapshot/layout.ts';
import type { StoredRun } from '../snapshot/list-runs.ts';
import { SnapshotError } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { userChanges } from './changes.ts';
import { forEachInOrder } from './in-order.ts';
import type { HistoryEvent, UserRecordFields } from './model.ts';
import { MatchNotes, type ReadCounts } from './read-counts.ts';
import { findUsers, type RunHeader, readGroupNames, readRunHeader } from './scan-run.ts';
import { type RunObservation, Timeline, type TimelineResult, type TimelineRules } from './timeline.ts';

/**
 * A groups file is read for names only up to this size (compressed, as the manifest records it):
 * groups files are small next to users files; past this the events show group keys.
 */
export const GROUP_NAMES_MAX_BYTES = 8 * 1024 * 1024;

export const userTimelineRules: TimelineRules<CanonicalUser, UserRecordFields> = {
  record: ({ raw: _raw, ...fields }) => fields,
  key: (user) => user.key,
  changes: userChanges,
};

export interface UserTimeline {
  readonly timeline: TimelineResult<CanonicalUser, UserRecordFields>;
  readonly groupNames: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
}

/**
 * A user's timeline over `runs` (oldest first): each run's manifest and users file, read
 * `concurrency` runs at a time and folded in run order, keeping only the matching record. Then,
 * for group names, the groups files of the few runs whose events list groups.
 */
export async function userTimeline(
  store: ObjectStore,
  runs: readonly StoredRun[],
  query: string,
  reads: ReadCounts,
  concurrency: number,
): Promise<UserTimeline> {
  const timeline = new Timeline(userTimelineRules);
  const notes = new MatchNotes('users');
  const headers = new Map<string, RunHeader>();
  await forEachInOrder(
    runs,
    concurrency,
    async (run): Promise<RunObservation<CanonicalUser> & { header?: RunHeader; others?: string[] }> => {
      const header = await readRunHeader(store, run);
      reads.manifests++;
      if ('unreadable' in header)
        return { runId: run.runId, status: 'unreadable', reason: header.unreadable };
      const base = {
        runId: run.runId,
        status: header.status,
        ...(header.reason === undefined ? {} : { reason: header.reason }),
        header,
      };
      let users: CanonicalUser[];
      try {
        users = await findUsers(store, header, query);
        reads.usersFiles++;
      } catch (error) {
        if (error instanceof SnapshotError) return { ...base, status: 'unreadable', reason: error.message };
        throw error;
      }
      const [user, ...others] = users;
      return user ? { ...base, value: user, others: others.map((other) => other.key) } : base;
    },
    (observation) => {
      if (observation.value && observation.others?.length)
        notes.add(observation.runId, query, [observation.value.key, ...observation.others]);
      if (observation.header && observation.value) headers.set(observation.runId, observation.header);
      const { header: _header, others: _others, ...rest } = observation;
      timeline.add(rest);
    },
  );
  const result = timeline.result();
  const groupNames = await namesOfGroups(store, result, headers, reads, concurrency, notes);
  return { timeline: result, groupNames, notes: notes.list() };
}

/**
 * Names of the group keys the events and the last known record mention, from the groups files of
 * the runs that mention them (a removed group's name comes from the run it was compared with);
 * a key keeps the name of the newest run read that has it. Keys without a name stay keys.
 */
async function namesOfGroups(
  store: ObjectStore,
  result: TimelineResult<CanonicalUser, UserRecordFields>,
  headers: ReadonlyMap<string, RunHeader>,
  reads: ReadCounts,
  concurrency: number,
  notes: MatchNotes,
): Promise<Record<string, string>> {
  const wanted = new Map<string, Set<string>>();
  const want = (runId: string, keys: readonly string[]) => {
    if (keys.length === 0) return;
    const set = wanted.get(runId) ?? new Set<string>();
    for (const key of keys) set.add(key);
    wanted.set(runId, set);
  };
  for (const event of result.events) collectWanted(event, want);
  if (result.seen) want(result.seen.lastKnown.runId, result.seen.lastKnown.value.groups);

  const runIds = [...wanted.keys()].sort();
  const skipped: string[] = [];
  const found = await mapWithConcurrency(runIds, concurrency, async (runId) => {
    const header = headers.get(runId);
    const bytes = header?.fileBytes.get(snapshotFiles.groupsJsonl);
    if (!header || bytes === undefined || bytes > GROUP_NAMES_MAX_BYTES) {
      skipped.push(runId);
      return new Map<string, string>();
    }
    try {
      const names = await readGroupNames(store, header, wanted.get(runId) ?? new Set());
      reads.groupsFilesForNames++;
      return names;
    } catch {
      skipped.push(runId);
      return new Map<string, string>();
    }
  });
  if (skipped.length > 0)
    notes.note(
      `group names were not read for ${skipped.sort().join(', ')} (groups file missing, unreadable or over ${GROUP_NAMES_MAX_BYTES / 1024 / 1024} MB): those groups are shown by key`,
    );
  const names: Record<string, string> = {};
  for (const runNames of found) for (const [key, name] of runNames) names[key] = name;
  return Object.fromEntries(Object.entries(names).sort(([a], [b]) => compareKeys(a, b)));
}

function collectWanted(
  event: HistoryEvent<UserRecordFields>,
  want: (runId: string, keys: readonly string[]) => void,
): void {
  if (event.kind === 'first-seen') want(event.runId, event.record.groups);
  if (event.kind === 'reappeared') want(event.runId, event.record.groups);
  if (event.kind !== 'changed' && event.kind !== 'reappeared') return;
  const before = event.kind === 'changed' ? event.comparedWith : event.lastSeen;
  for (const change of event.changes) {
    if (change.field !== 'groups' || !('added' in change)) continue;
    want(event.runId, change.added);
    want(before, change.removed);
  }
}
