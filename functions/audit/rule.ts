import type { AuditContext } from './context.ts';
import type { AuditedUser, AuditRuleId, Severity, UserHistory } from './model.ts';

/** What one rule says about one user, before exceptions are applied. */
export type Verdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'out-of-scope' }
  | { readonly kind: 'fail' | 'unknown'; readonly severity: Severity; readonly detail: string };

// Shared instances: most users pass, and 200,000 of them should not cost 200,000 objects per rule.
export const pass: Verdict = { kind: 'pass' };
export const outOfScope: Verdict = { kind: 'out-of-scope' };

export function fail(severity: Severity, detail: string): Verdict {
  return { kind: 'fail', severity, detail };
}

/** UNKNOWN keeps the severity a FAIL would have had, so reports can still rank it. */
export function unknown(severity: Severity, detail: string): Verdict {
  return { kind: 'unknown', severity, detail };
}

export interface AuditRule {
  readonly id: AuditRuleId;
  /** Why the rule cannot be judged on this input (UNAVAILABLE), or undefined when it can. */
  unavailableReason(context: AuditContext): string | undefined;
  /** Only called when the rule is available; `history` is what other snapshots say of the user. */
  judge(user: AuditedUser, context: AuditContext, history: UserHistory): Verdict;
}
