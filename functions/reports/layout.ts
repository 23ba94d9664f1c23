import { datePartitionOf } from '../snapshot/layout.ts';

/** `reports/site=<site>/`: everything reported about one site. */
export function siteReportsPrefix(site: string): string {
  return `reports/site=${site}/`;
}

/** `reports/site=<site>/date=<YYYY-MM-DD>/run=<runId>/`, beside the snapshot of the same run. */
export function reportRunPrefix(site: string, runId: string): string {
  return `${siteReportsPrefix(site)}date=${datePartitionOf(runId)}/run=${runId}/`;
}

export const reportFiles = {
  summary: 'summary.json',
  findingsCsv: 'findings.csv',
  findingsJson: 'findings.json',
  changesCsv: 'changes.csv',
  diffJson: 'diff.json',
  html: 'report.html',
  /** Written after the others, by its own step (see functions/evidence). */
  evidence: 'evidence.xlsx',
} as const;
