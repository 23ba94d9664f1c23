import type { AuditRuleId, Finding, Severity } from '../../audit/model.ts';

/** What the findings add up to, per rule: counted as they are made, used by the summary and the page. */
export interface RuleTally {
  readonly failBySeverity: Record<Severity, number>;
  /** Every finding of the rule (FAIL, UNKNOWN and EXCEPTED) per severity: what "N more" counts. */
  readonly allBySeverity: Record<Severity, number>;
  fail: number;
  unknown: number;
  excepted: number;
}

export interface FindingFigures {
  readonly total: number;
  readonly fail: number;
  readonly highFail: number;
  readonly unknown: number;
  readonly excepted: number;
  readonly byRule: ReadonlyMap<AuditRuleId, RuleTally>;
}

export function emptyTally(): RuleTally {
  return {
    failBySeverity: { high: 0, medium: 0, low: 0 },
    allBySeverity: { high: 0, medium: 0, low: 0 },
    fail: 0,
    unknown: 0,
    excepted: 0,
  };
}

/** Counts findings one at a time: the figures of a million-user audit without its findings. */
export class FigureCounter implements FindingFigures {
  total = 0;
  fail = 0;
  highFail = 0;
  unknown = 0;
  excepted = 0;
  readonly byRule = new Map<AuditRuleId, RuleTally>();

  add(finding: Finding): void {
    let tally = this.byRule.get(finding.rule);
    if (tally === undefined) {
      tally = emptyTally();
      this.byRule.set(finding.rule, tally);
    }
    this.total += 1;
    tally.allBySeverity[finding.severity] += 1;
    switch (finding.status) {
      case 'FAIL':
        this.fail += 1;
        tally.fail += 1;
        tally.failBySeverity[finding.severity] += 1;
        if (finding.severity === 'high') this.highFail += 1;
        break;
      case 'UNKNOWN':
        this.unknown += 1;
        tally.unknown += 1;
        break;
      case 'EXCEPTED':
        this.excepted += 1;
        tally.excepted += 1;
        break;
    }
  }
}

export function tallyFindings(findings: Iterable<Finding>): FindingFigures {
  const counter = new FigureCounter();
  for (const finding of findings) counter.add(finding);
  return counter;
}
