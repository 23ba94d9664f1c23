import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../shared/clock.ts';
import { SiteError } from '../shared/errors.ts';
import { futureScheduleProblem } from '../shared/scheduled-time.ts';
import type { ObjectStore, TaggedObject } from '../store/port.ts';
import { latestPointerKey, scheduledAtOf } from './layout.ts';
import { type LatestPointer, latestPointerSchema } from './manifest.ts';
import { verifySnapshot } from './read-snapshot.ts';

const RUN_ID = /^\d{8}T\d{6}Z$/;
/** Each lost race means another run moved the pointer meanwhile; this many is a store problem. */
const MAX_ATTEMPTS = 20;

export interface AdvanceLatestResult {
  /** True when latest.json points at this run now. */
  readonly moved: boolean;
  /** What a person should know: a bogus pointer replaced, or why this run could not become latest. */
  readonly warning?: string;
}

/**
 * Points the site's latest.json at a complete run, only forward: compare-and-swap on the
 * pointer's tag (`If-Match`, or `If-None-Match: *` while there is none), re-reading and deciding
 * again whenever another run moved it meanwhile. The run becomes latest only if it is newer than
 * the current one and its files still match its manifest (re-hashed once, before the first
 * write). A pointer at a run scheduled more than a day ahead of the clock is invalid (a mistyped
 * --as-of, a clock gone wrong) and is replaced, so it cannot freeze latest.json; a run scheduled
 * that far ahead never becomes latest itself.
 */
export async function advanceLatest(
  store: ObjectStore,
  site: string,
  runId: string,
  manifestKey: string,
  clock: Clock,
): Promise<AdvanceLatestResult> {
  const candidateAhead = futureScheduleProblem(scheduledAtOf(runId), clock.now());
  if (candidateAhead) {
    return { moved: false, warning: `run ${runId} ${candidateAhead}, so latest.json was not moved to it` };
  }
  const key = latestPointerKey(site);
  let verified = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await store.getTagged(key);
    const pointer = current && parsePointer(current);
    const bogus = pointer && futureScheduleProblem(scheduledAtOf(pointer.runId), clock.now());
    if (pointer && !bogus) {
      if (pointer.runId > runId) return { moved: false };
      if (pointer.runId === runId && pointer.key === manifestKey) return { moved: true };
    }
    if (!verified) {
      const verification = await verifySnapshot(store, manifestKey);
      if (!verification.ok) {
        return {
          moved: false,
          warning: `the files of run ${runId} no longer match its manifest (${verification.problems.join('; ')}), so latest.json was not moved to it`,
        };
      }
      verified = true;
    }
    const next: LatestPointer = { runId, key: manifestKey };
    const written = await store.putIf(
      key,
      `${JSON.stringify(next, null, 2)}\n`,
      current ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
      { contentType: 'application/json' },
    );
    if (written !== undefined) {
      return bogus
        ? {
            moved: true,
            warning: `latest.json pointed at run ${pointer.runId}, which ${bogus}; it was treated as invalid and now points at run ${runId}`,
          }
        : { moved: true };
    }
    await sleep(5 + Math.floor(Math.random() * 45));
  }
  throw new SiteError(
    'store',
    `site ${site}: ${store.locate(key)} kept changing under ${MAX_ATTEMPTS} attempts to move it to run ${runId}`,
  );
}

/** An unreadable pointer is replaced rather than trusted: the candidate run is known to be complete. */
function parsePointer(object: TaggedObject): LatestPointer | undefined {
  try {
    const parsed = latestPointerSchema.safeParse(JSON.parse(object.body.toString('utf8')));
    return parsed.success && RUN_ID.test(parsed.data.runId) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
