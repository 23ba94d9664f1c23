import type { AppliedException, Finding } from '../audit/model.ts';
import { type CsvRow, csvLine } from '../snapshot/csv.ts';

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

/** One finding's line of findings.csv, with its CRLF. */
export function findingCsvLine(site: string, runId: string, finding: Finding): string {
  const row: CsvRow = [
    site,
    runId,
    finding.rule,
    finding.severity,
    finding.status,
    finding.userKey,
    finding.email,
    finding.detail,
    finding.exception ? describeException(finding.exception) : undefined,
  ];
  return csvLine(row);
}

/** One cell an auditor can read without the config: what was excepted, by whom, until when. */
export function describeException(exception: AppliedException): string {
  const state = exception.expired ? `expired ${exception.expires}` : `until ${exception.expires}`;
  return `${state}: ${exception.reason} (owner ${exception.owner})`;
}
