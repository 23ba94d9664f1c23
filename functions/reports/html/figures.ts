import type { AuditRuleId, Finding, Severity } from '../../audit/model.ts';

/** What the findings add up to, per rule: counted once, used by the headline, the table and the chart. */
export interface RuleTally {
  readonly failBySeverity: Record<Severity, number>;
  fail: number;
  unknown: number;
  excepted: number;
}

export interface FindingFigures {
  readonly fail: number;
  readonly highFail: number;
  readonly unknown: number;
  readonly excepted: number;
  readonly byRule: ReadonlyMap<AuditRuleId, RuleTally>;
}

export function emptyTally(): RuleTally {
  return { failBySeverity: { high: 0, medium: 0, low: 0 }, fail: 0, unknown: 0, excepted: 0 };
}

export function tallyFindings(findings: readonly Finding[]): FindingFigures {
  const byRule = new Map<AuditRuleId, RuleTally>();
  let fail = 0;
  let highFail = 0;
  let unknown = 0;
  let excepted = 0;
  for (const finding of findings) {
    let tally = byRule.get(finding.rule);
    if (tally === undefined) {
      tally = emptyTally();
      byRule.set(finding.rule, tally);
    }
    switch (finding.status) {
      case 'FAIL':
        fail += 1;
        tally.fail += 1;
        tally.failBySeverity[finding.severity] += 1;
        if (finding.severity === 'high') highFail += 1;
        break;
      case 'UNKNOWN':
        unknown += 1;
        tally.unknown += 1;
        break;
      case 'EXCEPTED':
        excepted += 1;
        tally.excepted += 1;
        break;
    }
  }
  return { fail, highFail, unknown, excepted, byRule };
}
