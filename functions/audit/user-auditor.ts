import { auditRuleIds } from '../config/schema.ts';
import { type AuditContext, auditContext } from './context.ts';
import { type ExceptionLookup, exceptionLookup } from './exceptions.ts';
import type {
  AppliedException,
  AuditedUser,
  AuditRuleId,
  AuditSetup,
  Finding,
  FindingStatus,
  RuleOutcome,
  Severity,
  UserHistory,
} from './model.ts';
import type { AuditRule } from './rule.ts';
import { inactive } from './rules/inactive.ts';
import { mfaMissing } from './rules/mfa-missing.ts';
import { neverLoggedIn } from './rules/never-logged-in.ts';
import { passwordStale } from './rules/password-stale.ts';
import { privilegedGrant } from './rules/privileged-grant.ts';

// A Record, so adding an id to `auditRuleIds` without a rule is a type error, not a silent gap.
const rules: Readonly<Record<AuditRuleId, AuditRule>> = {
  'mfa-missing': mfaMissing,
  inactive,
  'never-logged-in': neverLoggedIn,
  'password-stale': passwordStale,
  'privileged-grant': privilegedGrant,
};

/** Receives each finding as it is made: per user, the rules in `auditRuleIds` order. */
export type FindingSink = (finding: Finding) => void;

export interface UserAuditor {
  /** Every available rule over one user; users may come in any order, findings follow it. */
  audit(user: AuditedUser, history: UserHistory): void;
  /** How each rule went so far, in `auditRuleIds` order. */
  outcomes(): RuleOutcome[];
  /** Users found administering the site so far (see privileged.ts). */
  administrators(): number;
}

/**
 * The hygiene rules of DESIGN.md, one user at a time, with counts kept as it goes. Pure: every
 * age is measured from `setup.scheduledAt`, so re-auditing an old snapshot gives the same answer
 * it gave that night. Exceptions only ever touch FAILs; an UNKNOWN stays UNKNOWN because nobody
 * can excuse a value that was never seen.
 */
export function userAuditor(setup: AuditSetup, sink: FindingSink): UserAuditor {
  const context = auditContext(setup);
  const exceptionFor = exceptionLookup(setup.settings.exceptions, context.scheduledAtMs);
  const runs = auditRuleIds.map((id) => ruleRun(rules[id], context));
  const available = runs.filter((run) => run.counts.available);
  let administrators = 0;
  return {
    audit(user, history) {
      if (context.privileged.isPrivilegedUser(user)) administrators++;
      for (const run of available) judge(run, user, history, context, exceptionFor, sink);
    },
    administrators: () => administrators,
    outcomes: () =>
      runs.map(({ counts, unavailableReason }) =>
        // The reason last, as summary.json has always listed it.
        unavailableReason === undefined
          ? { ...counts, evaluated: counts.pass + counts.fail + counts.unknown + counts.excepted }
          : { ...counts, unavailableReason },
      ),
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface RuleRun {
  readonly rule: AuditRule;
  readonly counts: Mutable<RuleOutcome>;
  readonly unavailableReason: string | undefined;
}

function ruleRun(rule: AuditRule, context: AuditContext): RuleRun {
  const unavailableReason = rule.unavailableReason(context);
  // Never PASS for a field the provider lacks: every count stays zero and nothing is listed.
  const counts: Mutable<RuleOutcome> = {
    rule: rule.id,
    available: unavailableReason === undefined,
    evaluated: 0,
    pass: 0,
    fail: 0,
    unknown: 0,
    excepted: 0,
    outOfScope: 0,
  };
  return { rule, counts, unavailableReason };
}

function judge(
  { rule, counts }: RuleRun,
  user: AuditedUser,
  history: UserHistory,
  context: AuditContext,
  exceptionFor: ExceptionLookup,
  sink: FindingSink,
): void {
  const verdict = rule.judge(user, context, history);
  if (verdict.kind === 'pass') {
    counts.pass++;
    return;
  }
  if (verdict.kind === 'out-of-scope') {
    counts.outOfScope++;
    return;
  }
  if (verdict.kind === 'unknown') {
    counts.unknown++;
    sink(finding(rule.id, verdict.severity, user, 'UNKNOWN', verdict.detail));
    return;
  }
  const exception = exceptionFor(rule.id, user);
  if (exception === undefined) {
    counts.fail++;
    sink(finding(rule.id, verdict.severity, user, 'FAIL', verdict.detail));
  } else if (exception.expired) {
    counts.fail++;
    const detail = `${verdict.detail}; exception expired ${exception.expires}`;
    sink(finding(rule.id, verdict.severity, user, 'FAIL', detail, exception));
  } else {
    counts.excepted++;
    sink(finding(rule.id, verdict.severity, user, 'EXCEPTED', verdict.detail, exception));
  }
}

/**
 * Plain literals, no object spread: spreading an optional `email` made V8 build slow dictionary
 * objects, about ten times slower to build for 200,000 findings.
 */
function finding(
  rule: AuditRuleId,
  severity: Severity,
  user: AuditedUser,
  status: FindingStatus,
  detail: string,
  exception?: AppliedException,
): Finding {
  const row: Mutable<Finding> =
    user.email === undefined
      ? { rule, severity, status, userKey: user.key, detail }
      : { rule, severity, status, userKey: user.key, email: user.email, detail };
  const name = personName(user);
  if (name !== '') row.name = name;
  if (exception !== undefined) row.exception = exception;
  return row;
}

/** "Ada Lovelace": first and last name, whichever the source has. */
export function personName(user: Pick<AuditedUser, 'firstName' | 'lastName'>): string {
  const first = user.firstName?.trim() ?? '';
  const last = user.lastName?.trim() ?? '';
  return first === '' ? last : last === '' ? first : `${first} ${last}`;
}
