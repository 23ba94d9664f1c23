import type { AppliedException, Finding } from '../audit/model.ts';
import { csvCell } from '../snapshot/csv.ts';

/** DESIGN.md's findings.csv columns. */
export const findingsCsvHeader = [
  'site',
  'run_id',
  'rule',
  'severity',
  'status',
  'user_key',
  'email',
  'detail',
  'exception',
] as const;

/**
 * The findings.csv line of each finding of one run, with its CRLF: `csvLine` of its row, with the
 * cells most lines share (site, run, rule, severity, status) encoded once instead of once per
 * finding, which was a fifth of writing the findings of a 1,000,000-user site.
 */
export function findingCsvLines(site: string, runId: string): (finding: Finding) => string {
  const runCells = `${csvCell(site)},${csvCell(runId)},`;
  const cells = new Map<string, string>();
  const shared = (value: string): string => {
    let cell = cells.get(value);
    if (cell === undefined) {
      cell = csvCell(value);
      cells.set(value, cell);
    }
    return cell;
  };
  return (finding) =>
    `${runCells}${shared(finding.rule)},${shared(finding.severity)},${shared(finding.status)},${csvCell(finding.userKey)},${csvCell(finding.email)},${csvCell(finding.detail)},${finding.exception ? csvCell(describeException(finding.exception)) : ''}\r\n`;
}

/** One cell an auditor can read without the config: what was excepted, by whom, until when. */
export function describeException(exception: AppliedException): string {
  const state = exception.expired ? `expired ${exception.expires}` : `until ${exception.expires}`;
  return `${state}: ${exception.reason} (owner ${exception.owner})`;
}
