import { auditRuleIds } from '../config/schema.ts';
import { auditContext } from './context.ts';
import { exceptionLookup } from './exceptions.ts';
import type { AuditInput, AuditResult, AuditRuleId, Finding } from './model.ts';
import type { AuditRule } from './rule.ts';
import { inactive } from './rules/inactive.ts';
import { mfaMissing } from './rules/mfa-missing.ts';
import { neverLoggedIn } from './rules/never-logged-in.ts';
import { passwordStale } from './rules/password-stale.ts';
import { privilegedGrant } from './rules/privileged-grant.ts';
import { runRule } from './run-rule.ts';

// A Record, so adding an id to `auditRuleIds` without a rule is a type error, not a silent gap.
const rules: Readonly<Record<AuditRuleId, AuditRule>> = {
  'mfa-missing': mfaMissing,
  inactive,
  'never-logged-in': neverLoggedIn,
  'password-stale': passwordStale,
  'privileged-grant': privilegedGrant,
};

/**
 * The hygiene rules of DESIGN.md over one snapshot. Pure: every age is measured from
 * `input.scheduledAt`, so re-auditing an old snapshot gives the same answer it gave that night.
 */
export function evaluateAudit(input: AuditInput): AuditResult {
  const context = auditContext(input);
  const exceptionFor = exceptionLookup(input.settings.exceptions, context.scheduledAtMs);
  // Rule by rule in `auditRuleIds` order, each run sorted by key: the findings come out in report order.
  const runs = auditRuleIds.map((id) => runRule(rules[id], input.users, context, exceptionFor));
  // concat of five arrays, not push(...findings): spreading 200,000 findings as arguments overflows the stack.
  const findings = ([] as Finding[]).concat(...runs.map((run) => run.findings));
  return { rules: runs.map((run) => run.outcome), findings };
}
