import type { CanonicalGroup, CanonicalUser } from '../shared/model.ts';
import { LiveIndex } from './live-match.ts';
import type { PlannedStep, RestorePlan } from './plan.ts';
import type { RestoreWriter, StepOutcome } from './port.ts';

export type StepResult = {
  readonly number: number;
  readonly summary: string;
} & (
  | StepOutcome
  /** The writer could not reach the site or was refused for good: the restore stopped here. */
  | { readonly status: 'failed'; readonly detail: string }
  /** After a failure: not sent. A new restore plans it again. */
  | { readonly status: 'not-attempted' }
);

export interface ApplyOptions {
  readonly dryRun: boolean;
  readonly actorEmail?: string;
  /** Called after every step, so a record survives a crash halfway. */
  readonly afterStep?: (results: readonly StepResult[]) => Promise<void>;
}

/**
 * Runs the plan's steps one at a time, in order. Groups created earlier in the run are known to
 * the later steps under their new keys. The first step that throws stops the run; the steps
 * after it are reported as not attempted.
 */
export async function applyPlan(
  plan: RestorePlan,
  writer: RestoreWriter,
  live: { readonly users: readonly CanonicalUser[]; readonly groups: readonly CanonicalGroup[] },
  snapshotGroups: readonly CanonicalGroup[],
  options: ApplyOptions,
): Promise<StepResult[]> {
  const index = new LiveIndex(live.users, live.groups);
  const liveKeys = new Map<string, string>();
  for (const group of snapshotGroups) {
    const found = index.group(group);
    if (found) liveKeys.set(group.key, found.key);
  }
  const results: StepResult[] = [];
  let stopped = false;
  for (const planned of plan.steps) {
    if (stopped) {
      results.push({ number: planned.number, summary: planned.summary, status: 'not-attempted' });
      continue;
    }
    const result = await performStep(planned, writer, liveKeys, options);
    results.push(result);
    if (result.status === 'failed') stopped = true;
    else if (planned.step.kind === 'create-group' && 'liveKey' in result && result.liveKey !== undefined) {
      // A dry run creates nothing: later steps are validated without the group, and say so.
      liveKeys.set(planned.step.group.key, result.liveKey);
    }
    await options.afterStep?.(results);
  }
  return results;
}

async function performStep(
  planned: PlannedStep,
  writer: RestoreWriter,
  liveKeys: ReadonlyMap<string, string>,
  options: ApplyOptions,
): Promise<StepResult> {
  const base = { number: planned.number, summary: planned.summary };
  try {
    const outcome = await writer.perform(planned.step, {
      dryRun: options.dryRun,
      liveGroupKey: (key) => liveKeys.get(key),
      ...(options.actorEmail === undefined ? {} : { actorEmail: options.actorEmail }),
    });
    return { ...base, ...outcome };
  } catch (error) {
    return { ...base, status: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
}
