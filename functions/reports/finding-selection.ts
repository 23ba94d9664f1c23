import {
  type AuditRuleId,
  type Finding,
  type FindingStatus,
  type Severity,
  severities,
} from '../audit/model.ts';
import { auditRuleIds } from '../config/schema.ts';
import { compareKeys } from '../shared/model.ts';

/** The most findings report.html lists; findings.csv has them all. */
export const REPORT_FINDINGS_CAP = 2_000;

const statusRank: Readonly<Record<FindingStatus, number>> = { FAIL: 0, UNKNOWN: 1, EXCEPTED: 2 };
const ruleRank = new Map<AuditRuleId, number>(auditRuleIds.map((rule, index) => [rule, index]));
const CLASSES = severities.length * 3 * auditRuleIds.length;

/** Severity first (high before medium before low), then FAIL, UNKNOWN, EXCEPTED, then the rule's order. */
function classOf(finding: Finding): number {
  return (
    (severities.indexOf(finding.severity) * 3 + statusRank[finding.status]) * auditRuleIds.length +
    (ruleRank.get(finding.rule) ?? 0)
  );
}

/** The findings the page lists, in its order, and whether any were left out. */
export interface FindingsShown {
  readonly findings: readonly Finding[];
  /** True when the run has more findings than `cap`: `findings` are then the highest-ranked ones. */
  readonly capped: boolean;
}

/**
 * Keeps at most `cap` findings while any number stream past in key order: the highest-ranked
 * ones (see `classOf`), each class in key order. Memory is `cap` findings whatever the site size.
 */
export class FindingSelection {
  private readonly classes: Finding[][] = Array.from({ length: CLASSES }, () => []);
  private kept = 0;
  private seen = 0;
  /** The lowest class that may still hold findings: where the next one is dropped from. */
  private lowest = CLASSES - 1;

  constructor(private readonly cap = REPORT_FINDINGS_CAP) {}

  add(finding: Finding): void {
    this.seen++;
    const slot = classOf(finding);
    if (this.kept >= this.cap && slot >= this.lowestNonEmpty()) return;
    (this.classes[slot] as Finding[]).push(finding);
    this.kept++;
    if (this.kept > this.cap) {
      (this.classes[this.lowestNonEmpty()] as Finding[]).pop();
      this.kept--;
    }
  }

  /**
   * Within the cap, every finding in the audit's order (by rule, then user key), as findings.csv
   * lists them; above it, the highest-ranked first.
   */
  result(): FindingsShown {
    const all = this.classes.flat();
    if (this.seen <= this.cap) {
      const rank = (finding: Finding) => ruleRank.get(finding.rule) ?? 0;
      all.sort((a, b) => rank(a) - rank(b) || compareKeys(a.userKey, b.userKey));
      return { findings: all, capped: false };
    }
    return { findings: all, capped: true };
  }

  private lowestNonEmpty(): number {
    while (this.lowest > 0 && (this.classes[this.lowest] as Finding[]).length === 0) this.lowest--;
    return this.lowest;
  }
}

/** Findings of one rule and severity not listed on the page: what "N more" says. */
export function notShown(
  allBySeverity: (rule: AuditRuleId) => Readonly<Record<Severity, number>>,
  shown: readonly Finding[],
): { rule: AuditRuleId; severity: Severity; count: number }[] {
  const listed = new Map<string, number>();
  for (const finding of shown) {
    const key = `${finding.rule} ${finding.severity}`;
    listed.set(key, (listed.get(key) ?? 0) + 1);
  }
  const more: { rule: AuditRuleId; severity: Severity; count: number }[] = [];
  for (const rule of auditRuleIds)
    for (const severity of severities) {
      const count = allBySeverity(rule)[severity] - (listed.get(`${rule} ${severity}`) ?? 0);
      if (count > 0) more.push({ rule, severity, count });
    }
  return more;
}
