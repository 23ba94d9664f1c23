import { siteFailure } from '../export/site-failure.ts';
import { siteSnapshotsPrefix } from '../snapshot/layout.ts';
import { listRuns } from '../snapshot/list-runs.ts';
import type { ObjectStore } from '../store/port.ts';
import { groupTimeline } from './group-history.ts';
import type { GroupHistory, HistoryResult, HistorySubject, UserHistory } from './model.ts';
import { newReadCounts, readsOf } from './read-counts.ts';
import type { TimelineResult } from './timeline.ts';
import { userTimeline } from './user-history.ts';

/** Runs read at the same time: each is one streamed users file, so a few keep the store busy. */
export const HISTORY_CONCURRENCY = 4;

export interface HistoryOptions {
  /** Group histories: read users files for who joined and left (default true). */
  readonly members?: boolean;
  readonly concurrency?: number;
}

/**
 * A user's or group's timeline across every snapshot of a site, oldest first: first and last
 * seen, every change between runs that have it, when it went and came back, and its last known
 * record. `missing` when the site has no snapshot or none has the subject.
 */
export async function siteHistory(
  site: string,
  subject: HistorySubject,
  options: HistoryOptions,
  store: ObjectStore,
): Promise<HistoryResult> {
  try {
    const runs = await listRuns(store, site);
    // The folder itself (a key cannot end in '/').
    const where = store.locate(siteSnapshotsPrefix(site).slice(0, -1));
    if (runs.length === 0) {
      return {
        site,
        status: 'missing',
        subject,
        snapshotsRead: 0,
        incompleteRuns: [],
        reason: `site ${site} has no snapshot in ${where}: run "rollcall export --site ${site}" first.`,
      };
    }
    const reads = newReadCounts();
    const concurrency = options.concurrency ?? HISTORY_CONCURRENCY;
    if ('user' in subject) {
      const { timeline, groupNames, notes } = await userTimeline(
        store,
        runs,
        subject.user,
        reads,
        concurrency,
      );
      if (!timeline.seen) return missing(site, subject, timeline, where);
      const { lastKnown, ...seen } = timeline.seen;
      const history: UserHistory = {
        site,
        subject,
        ...common(timeline),
        ...seen,
        events: timeline.events,
        lastKnown: {
          runId: lastKnown.runId,
          ...(lastKnown.incomplete ? { incomplete: true as const } : {}),
          record: lastKnown.value,
        },
        groupNames,
        read: readsOf(reads),
        notes,
      };
      return { site, status: 'found', history };
    }
    const { timeline, notes } = await groupTimeline(
      store,
      runs,
      subject.group,
      { members: options.members ?? true },
      reads,
      concurrency,
    );
    if (!timeline.seen) return missing(site, subject, timeline, where);
    const { lastKnown, ...seen } = timeline.seen;
    const history: GroupHistory = {
      site,
      subject,
      ...common(timeline),
      ...seen,
      events: timeline.events,
      lastKnown: {
        runId: lastKnown.runId,
        ...(lastKnown.incomplete ? { incomplete: true as const } : {}),
        record: lastKnown.value.group,
        ...(lastKnown.value.members ? { members: [...lastKnown.value.members.values()] } : {}),
      },
      groupNames: {},
      read: readsOf(reads),
      notes,
    };
    return { site, status: 'found', history };
  } catch (error) {
    const { status, reason } = siteFailure(site, error);
    return { site, status, reason, error };
  }
}

function common(timeline: TimelineResult<unknown, unknown>) {
  return {
    matchedKeys: timeline.matchedKeys,
    snapshotsRead: timeline.snapshotsRead,
    incompleteRuns: timeline.incompleteRuns,
    unreadableRuns: timeline.unreadableRuns,
  };
}

function missing(
  site: string,
  subject: HistorySubject,
  timeline: TimelineResult<unknown, unknown>,
  where: string,
): HistoryResult {
  const searched =
    'user' in subject
      ? `no user matches "${subject.user}" (by key, e-mail or provider id)`
      : `no group matches "${subject.group}" (by name or key)`;
  return {
    site,
    status: 'missing',
    subject,
    snapshotsRead: timeline.snapshotsRead,
    incompleteRuns: timeline.incompleteRuns,
    reason: `site ${site}: ${searched} in any of its ${describeRead(timeline)} in ${where}.`,
  };
}

/** How many run ids a message lists before it says "and N more". */
const RUNS_LISTED = 5;

/** "5 snapshots (1 incomplete: 20261120T020000Z)", for people. */
export function describeRead(timeline: {
  readonly snapshotsRead: number;
  readonly incompleteRuns: readonly { readonly runId: string }[];
  readonly unreadableRuns?: readonly { readonly runId: string }[];
}): string {
  const runs = (label: string, list: readonly { readonly runId: string }[] | undefined) => {
    if (!list || list.length === 0) return [];
    const shown = list.slice(0, RUNS_LISTED).map((run) => run.runId);
    const more = list.length > shown.length ? ` and ${list.length - shown.length} more` : '';
    return [`${list.length} ${label}: ${shown.join(', ')}${more}`];
  };
  const parts = [
    ...runs('incomplete', timeline.incompleteRuns),
    ...runs('unreadable', timeline.unreadableRuns),
  ];
  const noun = timeline.snapshotsRead === 1 ? 'snapshot' : 'snapshots';
  return `${timeline.snapshotsRead} ${noun}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}
