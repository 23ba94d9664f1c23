import type { Readable } from 'node:stream';
import type { AuditRuleId, Finding, RuleOutcome } from '../audit/model.ts';
import { auditRuleIds } from '../config/schema.ts';
import { csvHeaderLine } from '../snapshot/csv.ts';
import { FindingSelection } from './finding-selection.ts';
import { findingCsvLines, findingsCsvHeader } from './findings-csv.ts';
import { FigureCounter } from './html/figures.ts';
import type { FindingsReport } from './report-model.ts';
import { type BodyPart, concatBody, type SpillDir, type SpillFile } from './spill.ts';

interface RuleFiles {
  readonly csv: SpillFile;
  /** findings.json elements, each written as `,\n    {…}`: the first one's comma is skipped. */
  readonly json: SpillFile;
}

/**
 * Takes findings as the walk makes them (user by user) and writes findings.csv and findings.json
 * grouped by rule, in `auditRuleIds` order, each rule's findings by user key — the order they have
 * always had — through one spill file per rule and file, concatenated at the end. Keeps the
 * counts and the findings report.html lists, never the findings themselves.
 */
export class FindingsOutput {
  private readonly files: ReadonlyMap<AuditRuleId, RuleFiles>;
  private readonly figures = new FigureCounter();
  private readonly selection = new FindingSelection();
  private readonly csvLine: (finding: Finding) => string;

  constructor(
    spill: SpillDir,
    private readonly site: string,
    private readonly runId: string,
  ) {
    this.files = new Map(auditRuleIds.map((rule) => [rule, { csv: spill.file(), json: spill.file() }]));
    this.csvLine = findingCsvLines(site, runId);
  }

  add(finding: Finding): void {
    const files = this.files.get(finding.rule) as RuleFiles;
    files.csv.write(this.csvLine(finding));
    files.json.write(`,\n    ${JSON.stringify(finding)}`);
    this.figures.add(finding);
    this.selection.add(finding);
  }

  report(rules: readonly RuleOutcome[]): FindingsReport {
    return { rules, figures: this.figures, shown: this.selection.result() };
  }

  csvBody(): Readable {
    return concatBody([
      csvHeaderLine(findingsCsvHeader),
      ...this.ruleFiles().map(({ csv }) => ({ file: csv })),
    ]);
  }

  /** findings.json, one finding per line. */
  jsonBody(): Readable {
    const parts: BodyPart[] = [
      `{\n  "site": ${JSON.stringify(this.site)},\n  "runId": ${JSON.stringify(this.runId)},\n  "findings": [`,
    ];
    for (const { json } of this.ruleFiles()) {
      if (!json.written) continue;
      parts.push(parts.length === 1 ? { file: json, skip: 1 } : { file: json });
    }
    parts.push(this.figures.total === 0 ? ']\n}\n' : '\n  ]\n}\n');
    return concatBody(parts);
  }

  private ruleFiles(): RuleFiles[] {
    return auditRuleIds.map((rule) => this.files.get(rule) as RuleFiles);
  }
}
