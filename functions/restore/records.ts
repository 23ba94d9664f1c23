import type { Clock } from '../shared/clock.ts';
import { siteWorkPrefix } from '../snapshot/layout.ts';
import type { LeaseOptions } from '../store/lease.ts';
import type { ObjectStore } from '../store/port.ts';
import type { StepResult } from './apply-plan.ts';
import type { RestorePlan } from './plan.ts';

/** `restores/site=<site>/`: every applied restore of the site. */
export function siteRestoresPrefix(site: string): string {
  return `restores/site=${site}/`;
}

/** `restores/site=<site>/<timestamp>/`: one folder per applied restore. */
export function restoreRecordPrefix(site: string, startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll('-', '')
    .replaceAll(':', '');
  return `${siteRestoresPrefix(site)}${stamp}/`;
}

/**
 * The lease an applied restore holds on its site (`work/site=<site>/restore/lease.json`): two
 * restores of one site never plan or write at the same time, so their records never interleave.
 */
export function restoreLease(
  deps: {
    readonly store: ObjectStore;
    readonly clock: Clock;
    readonly sleep?: (ms: number) => Promise<void>;
  },
  site: string,
): LeaseOptions {
  return {
    store: deps.store,
    key: `${siteWorkPrefix(site)}restore/lease.json`,
    clock: deps.clock,
    site,
    subject: `site ${site}`,
    purpose: 'restore',
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
  };
}

export interface RestoreRecordHeader {
  readonly site: string;
  readonly provider: string;
  readonly fromRunId: string;
  readonly origin: string;
  readonly startedAt: string;
  readonly actorEmail?: string;
  readonly selection: unknown;
}

/**
 * What an applied restore leaves behind: plan.json before the first call, result.json after every
 * call (so a restore that stops halfway says exactly how far it got), both in the store.
 */
export class RestoreRecord {
  private readonly prefix: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly header: RestoreRecordHeader,
    startedAt: Date,
  ) {
    this.prefix = restoreRecordPrefix(header.site, startedAt);
  }

  get location(): string {
    return this.store.locate(this.prefix.slice(0, -1));
  }

  writePlan(plan: RestorePlan): Promise<void> {
    return this.put('plan.json', {
      ...this.header,
      steps: plan.steps.map(({ number, summary, step }) => ({ number, kind: step.kind, summary })),
      skipped: plan.skipped,
      ...(plan.deletedSince === undefined ? {} : { deletedSinceKeys: plan.deletedSince }),
      counts: plan.counts,
      cannotRestore: plan.cannotRestore,
    });
  }

  writeResult(results: readonly StepResult[], total: number, finishedAt?: Date): Promise<void> {
    return this.put('result.json', {
      ...this.header,
      status: finishedAt === undefined ? 'in-progress' : resultStatus(results),
      ...(finishedAt === undefined ? {} : { finishedAt: finishedAt.toISOString() }),
      stepsDone: results.length,
      stepsPlanned: total,
      results,
    });
  }

  private put(name: string, document: unknown): Promise<void> {
    return this.store.put(`${this.prefix}${name}`, `${JSON.stringify(document, null, 2)}\n`, {
      contentType: 'application/json',
    });
  }
}

/** complete: every step done or already there; partial: some refused or not reached. */
export function resultStatus(results: readonly StepResult[]): 'complete' | 'partial' {
  return results.every(
    (result) => result.status === 'done' || result.status === 'exists' || result.status === 'validated',
  )
    ? 'complete'
    : 'partial';
}
