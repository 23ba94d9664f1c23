import type { DiffedGroup, MassChangeThreshold } from '../diff/model.ts';
import { type WalkSide, walkByKey } from '../diff/sorted-walk.ts';
import { type DiffOutcome, type DiffSink, userDiffer } from '../diff/user-differ.ts';
import type { AuditedUser, AuditSetup, RuleOutcome } from './model.ts';
import { type FindingSink, userAuditor } from './user-auditor.ts';

/**
 * A user of a walked snapshot (see `UserLine`): its key, the text of its fields, and the fields
 * parsed on demand. Equal texts are equal users, so an unchanged user is parsed once, not twice.
 */
export interface WalkedUser {
  readonly key: string;
  readonly text: string;
  fields(): AuditedUser;
}

/** Key-sorted batches of users (see `WalkSide`). */
type UserBatches = AsyncIterable<readonly WalkedUser[]> | Iterable<readonly WalkedUser[]>;

/** A snapshot's users as a key-sorted stream of batches, with its run and groups. */
export interface WalkedSnapshot {
  readonly runId: string;
  readonly users: UserBatches;
  readonly groups: readonly DiffedGroup[];
}

export interface AuditWalkInput {
  readonly current: WalkedSnapshot;
  /** The previous complete snapshot: the diff and privileged-grant compare with it. */
  readonly previous?: WalkedSnapshot & { readonly sink: DiffSink; readonly threshold: MassChangeThreshold };
  /**
   * The snapshot first-seen dates come from (see first-seen.ts): its time, and its users unless it
   * is the previous snapshot itself (then that side is read once for both).
   */
  readonly firstSeen?: {
    readonly at: string;
    readonly runId: string;
    readonly users?: UserBatches;
  };
  readonly setup: Omit<AuditSetup, 'hasPrevious'>;
  readonly findings: FindingSink;
}

export interface AuditWalkResult {
  readonly rules: readonly RuleOutcome[];
  /** Users found administering the site. */
  readonly administrators: number;
  readonly diff?: DiffOutcome;
}

/**
 * The audit and the diff in one merge walk over key-sorted snapshots: each key's records on every
 * side are judged and compared, findings and changes go to their sinks, and nothing of a user is
 * kept once the walk has moved past its key. Memory grows with groups, never with users.
 */
export async function auditWalk(input: AuditWalkInput): Promise<AuditWalkResult> {
  const { current, previous, firstSeen } = input;
  const auditor = userAuditor({ ...input.setup, hasPrevious: previous !== undefined }, input.findings);
  const differ = previous ? userDiffer(previous, current, previous.threshold, previous.sink) : undefined;
  const sides: WalkSide<WalkedUser>[] = [{ batches: current.users, what: 'users', runId: current.runId }];
  if (previous) sides.push({ batches: previous.users, what: 'users', runId: previous.runId });
  const seenSide = firstSeen?.users === undefined ? (previous ? 1 : -1) : sides.length;
  if (firstSeen?.users !== undefined)
    sides.push({ batches: firstSeen.users, what: 'users', runId: firstSeen.runId });
  const seenAt = firstSeen?.at;

  // One history object for every user: the rules read it during `audit` and keep nothing of it.
  const history: { previousGroups?: readonly string[]; previousAdmin?: boolean; firstSeenAt?: string } = {};
  await walkByKey(sides, (step) => {
    const nowLine = step[0];
    const beforeLine = previous ? step[1] : undefined;
    const now = nowLine?.fields();
    const before =
      beforeLine === undefined || now === undefined || beforeLine.text !== nowLine?.text
        ? beforeLine?.fields()
        : now;
    if (now !== undefined) {
      history.previousGroups = before?.groups;
      history.previousAdmin = before?.admin;
      history.firstSeenAt =
        seenAt !== undefined && seenSide >= 0 && step[seenSide] !== undefined ? seenAt : undefined;
      auditor.audit(now, history);
    }
    differ?.step(before, now);
  });
  const rules = auditor.outcomes();
  const administrators = auditor.administrators();
  return differ ? { rules, administrators, diff: differ.finish() } : { rules, administrators };
}
