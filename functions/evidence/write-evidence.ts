import { PassThrough } from 'node:stream';
import type { Severity } from '../audit/model.ts';
import { type Privilege, privilegeOf } from '../audit/privileged.ts';
import type { AuditSettings, SiteConfig } from '../config/schema.ts';
import { reportFiles, reportRunPrefix } from '../reports/layout.ts';
import type { Clock } from '../shared/clock.ts';
import { RollcallError } from '../shared/errors.ts';
import type { GroupFields, PrivilegeEvidence } from '../shared/model.ts';
import { snapshotRunPrefix } from '../snapshot/layout.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { manifestKeyOf, readGroupFields, readManifestAt, readUserFields } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import {
  accessReviewColumns,
  accessReviewRow,
  changeColumns,
  changeRow,
  evidenceSheets,
  extractionColumns,
  findingColumns,
  findingRow,
  groupColumns,
  groupRow,
  membershipColumns,
  userColumns,
  userRow,
} from './evidence-sheets.ts';
import { readStoredChanges, readStoredFindings } from './stored-reports.ts';
import { type SheetStream, type WorkbookCell, WorkbookStream } from './workbook-stream.ts';

export interface EvidenceInput {
  readonly store: ObjectStore;
  readonly site: string;
  readonly runId: string;
  /** The audit settings in force: thresholds, exceptions and the privileged groups reviewed. */
  readonly settings: AuditSettings;
  readonly toolVersion: string;
  readonly clock: Clock;
  /** Rows per sheet before it continues on a second one; tests make it small. */
  readonly rowLimit?: number;
  /**
   * How the provider shows administrators, for a manifest written before it recorded that: the
   * shell looks it up in its provider registry, as the audit does.
   */
  readonly privilegeFallback?: (provider: string) => PrivilegeEvidence | undefined;
}

/** A provider nothing is known of shows administrators only through configured groups (as the audit has it). */
const noPrivilegeEvidence: PrivilegeEvidence = {
  shownBy: 'nothing rollcall recorded',
  groupNames: [],
  groupFlag: false,
  userFlag: false,
};

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const NEEDS_ATTENTION_ORDER: readonly Severity[] = ['high', 'medium', 'low'];

/**
 * Writes evidence.xlsx beside the run's other reports, from the snapshot and the reports the audit
 * wrote (findings.json, changes.csv), every listing read as a stream: memory holds the groups and
 * a few buffers, never the users. Returns where it is.
 */
export async function writeEvidence(input: EvidenceInput): Promise<string> {
  const { store, site, runId } = input;
  const manifestKey = manifestKeyOf(site, runId);
  const manifest = await readManifestAt(store, manifestKey);
  if (manifest === undefined)
    throw new RollcallError(`site ${site} has no run ${runId}: nothing to put in evidence.xlsx`);
  const snapshotPrefix = snapshotRunPrefix(site, runId);
  const reportsPrefix = reportRunPrefix(site, runId);
  const groups: GroupFields[] = [];
  for await (const group of readGroupFields(store, snapshotPrefix)) groups.push(group);
  const groupNames = new Map(groups.map((group) => [group.key, group.name]));
  const providerName = manifest.providerName ?? manifest.provider;
  // The audit's own decision (audit/privileged.ts), from the same inputs the audit gave it.
  const privileged = privilegeOf({
    evidence:
      manifest.capabilities?.privilege ?? input.privilegeFallback?.(manifest.provider) ?? noPrivilegeEvidence,
    configuredNames: input.settings.privilegedGroups,
    groups,
    providerName,
  });
  const nameOf = (key: string) => groupNames.get(key) ?? key;

  const key = `${reportsPrefix}${reportFiles.evidence}`;
  const output = new PassThrough();
  const stored = store.put(key, output, { contentType: XLSX });
  // A failed upload stops the sheets (their waits end with it); it is awaited and thrown below.
  stored.catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
  const workbook = new WorkbookStream(output, input.rowLimit);
  try {
    const generatedAt = input.clock.now();
    await fill(
      workbook.sheet(evidenceSheets.extraction, extractionColumns),
      extractionRows(input, manifest, generatedAt),
    );
    const findingsKey = `${reportsPrefix}${reportFiles.findingsJson}`;
    await fill(
      workbook.sheet(evidenceSheets.needsAttention, findingColumns),
      needsAttention(store, findingsKey),
    );
    await fill(
      workbook.sheet(evidenceSheets.findings, findingColumns),
      mapRows(readStoredFindings(store, findingsKey), findingRow),
    );
    await fill(
      workbook.sheet(evidenceSheets.users, userColumns),
      mapRows(readUserFields(store, snapshotPrefix), (user) => userRow(user, nameOf)),
    );
    await fill(
      workbook.sheet(evidenceSheets.groups, groupColumns),
      groups.map((group) => groupRow(group, privileged.isPrivilegedGroup(group.key))),
    );
    await fill(
      workbook.sheet(evidenceSheets.memberships, membershipColumns),
      membershipRows(store, snapshotPrefix, nameOf),
    );
    await fill(
      workbook.sheet(evidenceSheets.changes, changeColumns),
      mapRows(readStoredChanges(store, `${reportsPrefix}${reportFiles.changesCsv}`), changeRow),
    );
    await fill(
      workbook.sheet(evidenceSheets.accessReview, accessReviewColumns),
      accessReviewRows(store, snapshotPrefix, privileged, providerName),
    );
    await workbook.close();
  } catch (error) {
    output.destroy(error instanceof Error ? error : new Error(String(error)));
    await stored.catch(() => undefined);
    throw error;
  }
  await stored;
  return store.locate(key);
}

async function fill(
  sheet: SheetStream,
  rows: Iterable<WorkbookCell[]> | AsyncIterable<WorkbookCell[]>,
): Promise<void> {
  for await (const row of rows) await sheet.add(row);
  sheet.close();
}

async function* mapRows<T>(
  items: AsyncIterable<T>,
  map: (item: T) => WorkbookCell[],
): AsyncGenerator<WorkbookCell[]> {
  for await (const item of items) yield map(item);
}

/** FAIL findings, high severity first: one pass over findings.json per severity. */
async function* needsAttention(store: ObjectStore, findingsKey: string): AsyncGenerator<WorkbookCell[]> {
  for (const severity of NEEDS_ATTENTION_ORDER) {
    for await (const finding of readStoredFindings(store, findingsKey)) {
      if (finding.status === 'FAIL' && finding.severity === severity) yield findingRow(finding);
    }
  }
}

async function* membershipRows(
  store: ObjectStore,
  snapshotPrefix: string,
  nameOf: (key: string) => string,
): AsyncGenerator<WorkbookCell[]> {
  for await (const user of readUserFields(store, snapshotPrefix)) {
    for (const group of [...new Set(user.groups)].sort()) yield [user.key, group, user.email, nameOf(group)];
  }
}

/**
 * One row per user and privileged group, and one for a user the source itself marks an
 * administrator (LumApps): what a reviewer keeps or revokes.
 */
async function* accessReviewRows(
  store: ObjectStore,
  snapshotPrefix: string,
  privileged: Privilege,
  providerName: string,
): AsyncGenerator<WorkbookCell[]> {
  for await (const user of readUserFields(store, snapshotPrefix)) {
    if (privileged.flaggedBySource(user)) {
      yield accessReviewRow(user, undefined, `${providerName} administrator`);
    }
    for (const group of new Set(privileged.among(user.groups))) {
      yield accessReviewRow(user, group, privileged.nameOf(group));
    }
  }
}

/** The facts of the extraction: where the data came from, when, how much, and its hashes. */
function* extractionRows(
  input: EvidenceInput,
  manifest: Manifest,
  generatedAt: Date,
): Generator<WorkbookCell[]> {
  const fact = (item: string, value: WorkbookCell): WorkbookCell[] => ['Run', item, value];
  yield fact('Site', manifest.site);
  yield fact('Source', manifest.providerName ?? manifest.provider);
  yield fact('Origin', manifest.origin);
  yield fact('Run id', manifest.runId);
  yield fact('Scheduled at (UTC)', new Date(manifest.scheduledAt));
  yield fact('Started at (UTC)', new Date(manifest.startedAt));
  yield fact('Finished at (UTC)', new Date(manifest.finishedAt));
  yield fact('Report generated at (UTC)', generatedAt);
  yield fact(
    'Snapshot status',
    manifest.reason === undefined ? manifest.status : `${manifest.status}: ${manifest.reason}`,
  );
  yield fact('Snapshot written by', `${manifest.tool.name} ${manifest.tool.version}`);
  yield fact('Workbook written by', `rollcall ${input.toolVersion}`);
  for (const [name, count] of Object.entries(manifest.counts)) yield ['Count', name, undefined, count];
  for (const [name, listing] of Object.entries(manifest.source)) {
    const state = listing.complete ? 'complete' : `incomplete: ${listing.reason ?? 'see the manifest'}`;
    const warnings = listing.warnings?.length ? ` (${listing.warnings.join('; ')})` : '';
    yield ['Listing', name, `${state}${warnings}`, listing.uniqueRecords, listing.reportedTotal];
  }
  for (const file of manifest.files) {
    yield ['Snapshot file', file.name, undefined, file.records, undefined, file.bytes, file.sha256];
  }
  const { settings } = input;
  yield ['Threshold', 'inactive after (days)', undefined, settings.inactiveDays];
  yield ['Threshold', 'never logged in, grace (days)', undefined, settings.neverLoggedInGraceDays];
  yield ['Threshold', 'password maximum age (days)', undefined, settings.passwordMaxAgeDays];
  yield ['Threshold', 'mass change (percent)', undefined, settings.massChangeThreshold.percent];
  yield ['Threshold', 'mass change (minimum)', undefined, settings.massChangeThreshold.minimum];
  for (const name of settings.privilegedGroups) yield ['Privileged group', name];
  for (const exception of settings.exceptions) {
    yield [
      'Exception',
      exception.user,
      `${exception.rule} until ${exception.expires}: ${exception.reason} (owner ${exception.owner})`,
    ];
  }
}

/** `AuditDeps.writeEvidence` for a shell that writes the workbook in the audit's own process. */
export function evidenceWriter(
  store: ObjectStore,
  toolVersion: string,
  clock: Clock,
  options: Pick<EvidenceInput, 'rowLimit' | 'privilegeFallback'> = {},
): (site: SiteConfig, runId: string) => Promise<string> {
  return (site, runId) =>
    writeEvidence({
      store,
      site: site.id,
      runId,
      settings: site.audit,
      toolVersion,
      clock,
      ...options,
    });
}
