import type { DiffOutcome } from '../diff/user-differ.ts';
import { textStream } from '../shared/text-stream.ts';
import { csvHeaderLine } from '../snapshot/csv.ts';
import type { ObjectStore } from '../store/port.ts';
import { changesCsvHeader } from './changes-csv.ts';
import type { ChangesOutput } from './changes-output.ts';
import type { FindingsOutput } from './findings-output.ts';
import { reportHtmlChunks } from './html/render-report.ts';
import { reportFiles, reportRunPrefix } from './layout.ts';
import type { ReportModel } from './report-model.ts';
import { type Summary, summaryOf } from './summary.ts';

export interface WrittenReports {
  readonly prefix: string;
  readonly summary: Summary;
  /** Where each file is, for people: `report.html` → absolute path or s3:// URI. */
  readonly locations: Readonly<Record<keyof typeof reportFiles, string>>;
}

/** What the walk wrote to its spill files, to be put together into the report files. */
export interface ReportOutputs {
  readonly findings: FindingsOutput;
  /** Absent on a site's first snapshot: nothing to compare with. */
  readonly changes?: { readonly output: ChangesOutput; readonly outcome: DiffOutcome };
}

const CSV = 'text/csv; charset=utf-8';
const JSON_TYPE = 'application/json';

/**
 * Writes a run's reports; summary.json last, so a summary present means the reports beside it
 * are whole (the next audit's history chart reads only the summary).
 */
export async function writeReports(
  store: ObjectStore,
  model: ReportModel,
  outputs: ReportOutputs,
): Promise<WrittenReports> {
  const prefix = reportRunPrefix(model.site, model.runId);
  const key = (name: keyof typeof reportFiles) => `${prefix}${reportFiles[name]}`;
  const summary = summaryOf(model);
  const { changes } = outputs;
  // One file at a time: each is a concatenation of spill files, read once, never held whole.
  await store.put(key('findingsCsv'), outputs.findings.csvBody(), { contentType: CSV });
  await store.put(key('findingsJson'), outputs.findings.jsonBody(), { contentType: JSON_TYPE });
  await store.put(
    key('changesCsv'),
    changes ? changes.output.csvBody(changes.outcome) : csvHeaderLine(changesCsvHeader),
    { contentType: CSV },
  );
  await store.put(
    key('diffJson'),
    changes
      ? changes.output.jsonBody(changes.outcome)
      : toJson({ fromRunId: null, toRunId: model.runId, note: 'first snapshot of this site' }),
    { contentType: JSON_TYPE },
  );
  await store.put(key('html'), textStream(reportHtmlChunks(model)), {
    contentType: 'text/html; charset=utf-8',
  });
  await store.put(key('summary'), toJson(summary), { contentType: JSON_TYPE });
  const locations = Object.fromEntries(
    (Object.keys(reportFiles) as (keyof typeof reportFiles)[]).map((name) => [name, store.locate(key(name))]),
  ) as Record<keyof typeof reportFiles, string>;
  return { prefix, summary, locations };
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
