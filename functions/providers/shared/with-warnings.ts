import type { ListingReport } from '../port.ts';

/** The report with these warnings added after its own; absent ones are left out. */
export function withWarnings(
  report: ListingReport,
  ...warnings: readonly (string | undefined)[]
): ListingReport {
  const added = warnings.filter((warning): warning is string => warning !== undefined);
  if (added.length === 0) return report;
  return { ...report, warnings: [...(report.warnings ?? []), ...added] };
}
