import { textStream } from '../shared/text-stream.ts';
import type { ObjectStore } from '../store/port.ts';
import { changesCsv } from './changes-csv.ts';
import { findingsCsv } from './findings-csv.ts';
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

const CSV = 'text/csv; charset=utf-8';
const JSON_TYPE = 'application/json';

/**
 * Writes a run's reports; summary.json last, so a summary present means the reports beside it
 * are whole (the next audit's history chart reads only the summary).
 */
export async function writeReports(store: ObjectStore, model: ReportModel): Promise<WrittenReports> {
  const prefix = reportRunPrefix(model.site, model.runId);
  const key = (name: keyof typeof reportFiles) => `${prefix}${reportFiles[name]}`;
  const summary = summaryOf(model);
  await Promise.all([
    store.put(key('findingsCsv'), findingsCsv(model.site, model.runId, model.audit.findings), {
      contentType: CSV,
    }),
    store.put(key('findingsJson'), textStream(findingsJson(model)), { contentType: JSON_TYPE }),
    store.put(key('changesCsv'), changesCsv(model.site, model.diff), { contentType: CSV }),
    store.put(
      key('diffJson'),
      toJson(model.diff ?? { fromRunId: null, toRunId: model.runId, note: 'first snapshot of this site' }),
      { contentType: JSON_TYPE },
    ),
    store.put(key('html'), textStream(reportHtmlChunks(model)), { contentType: 'text/html; charset=utf-8' }),
  ]);
  await store.put(key('summary'), toJson(summary), { contentType: JSON_TYPE });
  const locations = Object.fromEntries(
    (Object.keys(reportFiles) as (keyof typeof reportFiles)[]).map((name) => [name, store.locate(key(name))]),
  ) as Record<keyof typeof reportFiles, string>;
  return { prefix, summary, locations };
}

/** findings.json, one finding per line: written out as it is produced, however many there are. */
function* findingsJson(model: ReportModel): Generator<string> {
  yield `{\n  "site": ${JSON.stringify(model.site)},\n  "runId": ${JSON.stringify(model.runId)},\n  "findings": [`;
  let separator = '\n    ';
  for (const finding of model.audit.findings) {
    yield `${separator}${JSON.stringify(finding)}`;
    separator = ',\n    ';
  }
  yield model.audit.findings.length === 0 ? ']\n}\n' : '\n  ]\n}\n';
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
