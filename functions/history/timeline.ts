import type { HistoryChange, HistoryEvent, RunStatus } from './model.ts';

/** One run as the timeline sees it: its status and the subject's value in it, if it has the subject. */
export interface RunObservation<V> {
  readonly runId: string;
  readonly status: RunStatus;
  /** Why the run is incomplete or unreadable. */
  readonly reason?: string;
  /** The subject in this run; absent when the run does not have it (or could not be read). */
  readonly value?: V;
}

/** How a kind of subject (user, group) is shown and compared. */
export interface TimelineRules<V, R> {
  /** The record a `first-seen` or `reappeared` event shows (canonical fields, no `raw`). */
  record(value: V): R;
  /** The subject's key in a run, to list every identity it had. */
  key(value: V): string;
  changes(before: V, after: V): readonly HistoryChange[];
}

export interface TimelineResult<V, R> {
  readonly snapshotsRead: number;
  readonly incompleteRuns: readonly { readonly runId: string; readonly reason: string }[];
  readonly unreadableRuns: readonly { readonly runId: string; readonly reason: string }[];
  readonly matchedKeys: readonly string[];
  readonly events: readonly HistoryEvent<R>[];
  /** Absent when no run has the subject. */
  readonly seen?: {
    readonly firstSeen: string;
    readonly lastSeen: string;
    readonly present: boolean;
    readonly goneSince?: string;
    readonly lastKnown: { readonly runId: string; readonly incomplete: boolean; readonly value: V };
  };
}

const NO_REASON = 'the manifest gives no reason';

/**
 * A subject's timeline, built one run at a time in run order, holding only the subject's value of
 * the run it compares against and of the newest run that has it — never a whole snapshot.
 *
 * - `first-seen`, `changed`, `reappeared` come from runs that have the subject, complete or not;
 *   an event from an incomplete run is marked `incomplete`.
 * - Changes are against the previous *complete* run that has the subject (an incomplete one only
 *   until a complete one exists), so a field that an incomplete snapshot lost is never reported as
 *   changed twice; a change first read in an incomplete run is listed again when a complete run
 *   confirms it.
 * - Only a complete run proves an absence: the first complete run after the last sighting that
 *   lacks the subject is `gone`. An incomplete run without the subject is an `incomplete` event
 *   ("not in this (incomplete) snapshot"), an unreadable run an `unreadable` one.
 */
export class Timeline<V, R> {
  private readonly events: HistoryEvent<R>[] = [];
  private readonly incompleteRuns: { runId: string; reason: string }[] = [];
  private readonly unreadableRuns: { runId: string; reason: string }[] = [];
  private readonly keys: string[] = [];
  private runs = 0;
  private previousRunId: string | undefined;
  private firstSeen: string | undefined;
  private lastSeen: string | undefined;
  private goneSince: string | undefined;
  private baseline: { runId: string; complete: boolean; value: V } | undefined;
  private lastKnown: { runId: string; incomplete: boolean; value: V } | undefined;

  constructor(private readonly rules: TimelineRules<V, R>) {}

  add(observation: RunObservation<V>): void {
    const { runId, status, value } = observation;
    if (this.previousRunId !== undefined && runId <= this.previousRunId)
      throw new RangeError(`runs must be added in run order: ${runId} after ${this.previousRunId}`);
    this.previousRunId = runId;
    this.runs++;
    const reason = observation.reason ?? NO_REASON;
    if (status === 'unreadable') {
      this.unreadableRuns.push({ runId, reason });
      this.events.push({ runId, kind: 'unreadable', reason });
      return;
    }
    const incomplete = status === 'incomplete';
    if (incomplete) this.incompleteRuns.push({ runId, reason });
    if (value === undefined) this.absent(runId, incomplete, reason);
    else this.present(runId, incomplete, reason, value);
  }

  result(): TimelineResult<V, R> {
    const common = {
      snapshotsRead: this.runs,
      incompleteRuns: [...this.incompleteRuns],
      unreadableRuns: [...this.unreadableRuns],
      matchedKeys: [...this.keys],
      events: [...this.events],
    };
    if (this.firstSeen === undefined || this.lastSeen === undefined || this.lastKnown === undefined)
      return common;
    return {
      ...common,
      seen: {
        firstSeen: this.firstSeen,
        lastSeen: this.lastSeen,
        present: this.goneSince === undefined,
        ...(this.goneSince === undefined ? {} : { goneSince: this.goneSince }),
        lastKnown: this.lastKnown,
      },
    };
  }

  private present(runId: string, incomplete: boolean, reason: string, value: V): void {
    const mark = incomplete ? { incomplete: true as const } : {};
    const key = this.rules.key(value);
    if (!this.keys.includes(key)) this.keys.push(key);
    if (this.firstSeen === undefined) {
      this.firstSeen = runId;
      this.events.push({ runId, kind: 'first-seen', ...mark, record: this.rules.record(value) });
    } else if (this.goneSince !== undefined) {
      this.events.push({
        runId,
        kind: 'reappeared',
        ...mark,
        goneSince: this.goneSince,
        lastSeen: this.lastSeen ?? runId,
        record: this.rules.record(value),
        changes: this.baseline ? this.rules.changes(this.baseline.value, value) : [],
      });
      this.goneSince = undefined;
    } else {
      const changes = this.baseline ? this.rules.changes(this.baseline.value, value) : [];
      if (changes.length > 0 && this.baseline)
        this.events.push({ runId, kind: 'changed', ...mark, comparedWith: this.baseline.runId, changes });
      else if (incomplete) this.events.push({ runId, kind: 'incomplete', present: true, reason });
    }
    this.lastSeen = runId;
    this.lastKnown = { runId, incomplete, value };
    if (!incomplete || !this.baseline?.complete) this.baseline = { runId, complete: !incomplete, value };
  }

  private absent(runId: string, incomplete: boolean, reason: string): void {
    if (incomplete) {
      this.events.push({ runId, kind: 'incomplete', present: false, reason });
      return;
    }
    if (this.lastSeen !== undefined && this.goneSince === undefined) {
      this.goneSince = runId;
      this.events.push({ runId, kind: 'gone', lastSeen: this.lastSeen });
    }
  }
}

/** The timeline of observations already in memory (tests, small histories). */
export function buildTimeline<V, R>(
  observations: Iterable<RunObservation<V>>,
  rules: TimelineRules<V, R>,
): TimelineResult<V, R> {
  const timeline = new Timeline(rules);
  for (const observation of observations) timeline.add(observation);
  return timeline.result();
}
