import type { StoredRun } from '../snapshot/list-runs.ts';
import { SnapshotError } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { groupChanges, type ObservedGroup } from './changes.ts';
import { forEachInOrder } from './in-order.ts';
import type { GroupRecordFields } from './model.ts';
import { MatchNotes, type ReadCounts } from './read-counts.ts';
import { findGroups, readMembers, readRunHeader } from './scan-run.ts';
import { type RunObservation, Timeline, type TimelineResult, type TimelineRules } from './timeline.ts';

export const groupTimelineRules: TimelineRules<ObservedGroup, GroupRecordFields> = {
  record: ({ group: { raw: _raw, ...fields } }) => fields,
  key: (observed) => observed.group.key,
  changes: groupChanges,
};

export interface GroupTimeline {
  readonly timeline: TimelineResult<ObservedGroup, GroupRecordFields>;
  readonly notes: readonly string[];
}

/**
 * A group's timeline over `runs` (oldest first): each run's manifest and groups file and, when
 * `members` is on, the users file of each complete run that has the group, for who joined and
 * who left. An incomplete run's users file may lack any number of users, so its members are never
 * read nor compared. Runs are read `concurrency` at a time and folded in run order, so at most
 * that many runs' members are in memory.
 */
export async function groupTimeline(
  store: ObjectStore,
  runs: readonly StoredRun[],
  query: string,
  options: { readonly members: boolean },
  reads: ReadCounts,
  concurrency: number,
): Promise<GroupTimeline> {
  const timeline = new Timeline(groupTimelineRules);
  const notes = new MatchNotes('groups');
  await forEachInOrder(
    runs,
    concurrency,
    async (run): Promise<RunObservation<ObservedGroup> & { others?: string[] }> => {
      const header = await readRunHeader(store, run);
      reads.manifests++;
      if ('unreadable' in header)
        return { runId: run.runId, status: 'unreadable', reason: header.unreadable };
      const base = {
        runId: run.runId,
        status: header.status,
        ...(header.reason === undefined ? {} : { reason: header.reason }),
      };
      try {
        const [group, ...others] = await findGroups(store, header, query);
        reads.groupsFiles++;
        if (!group) return base;
        let members: Map<string, { key: string; email?: string }> | undefined;
        if (options.members && header.status === 'complete') {
          members = await readMembers(store, header, group.key);
          reads.usersFiles++;
        }
        return {
          ...base,
          value: members ? { group, members } : { group },
          others: others.map((other) => other.key),
        };
      } catch (error) {
        if (error instanceof SnapshotError) return { ...base, status: 'unreadable', reason: error.message };
        throw error;
      }
    },
    (observation) => {
      if (observation.value && observation.others?.length)
        notes.add(observation.runId, query, [observation.value.group.key, ...observation.others]);
      const { others: _others, ...rest } = observation;
      timeline.add(rest);
    },
  );
  return { timeline: timeline.result(), notes: notes.list() };
}
