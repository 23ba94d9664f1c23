import type { Readable } from 'node:stream';
import type { AppliedException, Finding } from '../audit/model.ts';
import { csvStream } from '../snapshot/csv.ts';

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

export function findingsCsv(site: string, runId: string, findings: readonly Finding[]): Readable {
  return csvStream(
    findingsCsvHeader,
    findings.map((finding) => [
      site,
      runId,
      finding.rule,
      finding.severity,
      finding.status,
      finding.userKey,
      finding.email,
      finding.detail,
      finding.exception ? describeException(finding.exception) : undefined,
    ]),
  );
}

/** One cell an auditor can read without the config: what was excepted, by whom, until when. */
export function describeException(exception: AppliedException): string {
  const state = exception.expired ? `expired ${exception.expires}` : `until ${exception.expires}`;
  return `${state}: ${exception.reason} (owner ${exception.owner})`;
}
