/**
 * Is a site's newest complete snapshot overdue? `latest.json` names the newest complete run, and
 * its run id is the time it was scheduled. When that is longer ago than the site's window (the
 * schedule's longest gap plus the time a run may take to start and finish), a run has been
 * missed or has failed. Before the first snapshot, the wait counts from when watching began.
 */
import { scheduledAtOf } from '../snapshot/layout.ts';
import { readLatest } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';

export interface FreshnessSettings {
  readonly siteId: string;
  /** The longest a complete snapshot may take to follow the previous one, in milliseconds. */
  readonly windowMs: number;
  /** When the check was deployed: the wait for a site's very first snapshot starts here. */
  readonly watchingSince: Date;
}

export interface Freshness {
  readonly site: string;
  /** The newest complete run; absent before the first one. */
  readonly latestRunId?: string;
  /** Hours since the newest complete run was scheduled (or since watching began). */
  readonly ageHours: number;
  readonly windowHours: number;
  readonly overdue: boolean;
}

export async function checkFreshness(
  store: ObjectStore,
  settings: FreshnessSettings,
  now: Date,
): Promise<Freshness> {
  const latest = await readLatest(store, settings.siteId);
  const since = latest ? scheduledAtOf(latest.runId) : settings.watchingSince;
  const ageMs = Math.max(0, now.getTime() - since.getTime());
  const hours = (ms: number) => Math.round((ms / 3_600_000) * 100) / 100;
  return {
    site: settings.siteId,
    ...(latest ? { latestRunId: latest.runId } : {}),
    ageHours: hours(ageMs),
    windowHours: hours(settings.windowMs),
    overdue: ageMs > settings.windowMs,
  };
}
