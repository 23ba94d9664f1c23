import type { Readable } from 'node:stream';
import * as z from 'zod';
import type { Clock } from '../shared/clock.ts';
import { RollcallError, SiteError } from '../shared/errors.ts';
import type { ExportObserver, ExportTarget, ListingReport, ProviderExport } from '../shared/export-model.ts';
import type { Traffic } from '../shared/http/traffic.ts';
import type { Capabilities } from '../shared/model.ts';
import type { ObjectStore } from '../store/port.ts';
import { describeCause, StoreError } from '../store/store-error.ts';
import { advanceLatest } from './advance-latest.ts';
import { groupsCsv } from './csv.ts';
import { openExportTarget } from './export-target.ts';
import { putHashed } from './hashed-put.ts';
import { gzipJsonLines } from './jsonl.ts';
import { runIdFor, snapshotFiles, snapshotRunPrefix } from './layout.ts';
import { MANIFEST_SCHEMA_VERSION, type Manifest, type ManifestFile, manifestSchema } from './manifest.ts';
import { manifestKeyOf, readManifestAt, verifySnapshot } from './read-snapshot.ts';
import type { SortedUserFiles } from './sorted-user-files.ts';
import type { SpillSettings } from './spill/spill-directory.ts';

export interface WriteSnapshotInput {
  readonly store: ObjectStore;
  readonly site: string;
  readonly provider: string;
  /** The provider's name for people, and which audit fields it has: kept in the manifest. */
  readonly providerName?: string;
  readonly capabilities?: Capabilities;
  /** Which site of the provider was read; see `ProviderAdapter.originOf`. */
  readonly origin?: string;
  /** Must be `runIdFor(scheduledAt)`. */
  readonly runId: string;
  readonly scheduledAt: Date;
  readonly startedAt: Date;
  /** Slices (invocations) the export took; recorded in the manifest when more than one. */
  readonly slices?: number;
  readonly clock: Clock;
  readonly toolVersion: string;
  /** Where the users are sorted when they do not arrive in key order. */
  readonly spill: SpillSettings;
  readonly observer?: ExportObserver;
  /**
   * Called right before the manifest is written: throws when this writer may no longer write the
   * run (its lease was taken over), so a manifest never describes another writer's files.
   */
  readonly confirmWriter?: () => Promise<void>;
  /** Lists the site into the target: a connector's `exportAll`. Its users go to the target's sink. */
  exportInto(target: ExportTarget): Promise<ProviderExport>;
}

export interface WriteSnapshotResult {
  readonly manifest: Manifest;
  readonly manifestKey: string;
  /** True when latest.json now points at this run. */
  readonly latestMoved: boolean;
  /** Why latest.json did not move although the run is complete, or what it replaced. */
  readonly latestWarning?: string;
}

const CONTENT_TYPES = { gzip: 'application/gzip', csv: 'text/csv; charset=utf-8', json: 'application/json' };

/**
 * Lists a site and writes the run's snapshot (DESIGN.md "Storage layout"). The users' files are
 * written while the listing pages (straight through when the API pages in key order, else
 * through an external merge sort spilled to local disk); each file is streamed through a SHA-256
 * so the manifest records the hash of exactly the stored bytes. Then the groups' files, then
 * manifest.json; then, for a complete run only, latest.json by compare-and-swap, only forward (see
 * advanceLatest). Whatever happens, the spill is removed,
 * and a failure leaves none of the users' files in the store.
 */
export async function writeSnapshot(input: WriteSnapshotInput): Promise<WriteSnapshotResult> {
  const { store, site, runId } = input;
  if (runIdFor(input.scheduledAt) !== runId) {
    throw new RollcallError(
      `run id ${runId} does not match the scheduled time ${input.scheduledAt.toISOString()}`,
    );
  }
  const prefix = snapshotRunPrefix(site, runId);
  const target = await openExportTarget({
    store,
    runPrefix: prefix,
    spill: input.spill,
    ...(input.observer === undefined ? {} : { observer: input.observer }),
  });
  try {
    const data = await input.exportInto(target);
    return await storeExport(input, data, closedUsers(target.usersSink(), site));
  } finally {
    await target.dispose();
  }
}

async function storeExport(
  input: WriteSnapshotInput,
  data: ProviderExport,
  users: SortedUserFiles,
): Promise<WriteSnapshotResult> {
  const { store, site, runId } = input;
  const prefix = snapshotRunPrefix(site, runId);
  const manifestKey = manifestKeyOf(site, runId);
  const problems = completenessProblems(data.listings);
  const counts = {
    users: data.users.uniqueUsers,
    groups: data.groups.length,
    memberships: data.users.memberships,
  };

  // A failed retry must not replace a complete snapshot that latest.json may already point at.
  if (problems.length > 0) {
    const existing = await storeStep(site, () => readManifestAt(store, manifestKey));
    if (existing?.status === 'complete') {
      const kept = `a complete snapshot of this run already exists at ${store.locate(manifestKey)} and was kept`;
      // Nothing of this attempt is stored (the caller discards the users' files), so it lists no files.
      const manifest = buildManifest(input, data, [...problems, kept], counts, []);
      return { manifest, manifestKey, latestMoved: false };
    }
  }

  const file = (
    name: string,
    type: keyof typeof CONTENT_TYPES,
    records: number,
    body: () => Readable,
  ): DataFileSpec => ({
    name,
    write: async () => ({
      name,
      records,
      ...(await putHashed(store, `${prefix}${name}`, body(), CONTENT_TYPES[type])),
    }),
  });
  const written = await writeDataFiles(store, site, prefix, [
    { name: snapshotFiles.usersJsonl, write: () => users.commit() },
    file(snapshotFiles.groupsJsonl, 'gzip', data.groups.length, () => gzipJsonLines(data.groups)),
    file(snapshotFiles.groupsCsv, 'csv', data.groups.length, () => groupsCsv(data.groups)),
  ]);
  const files = FILE_ORDER.map((name) => written.find((file) => file.name === name) as ManifestFile);
  const manifest = buildManifest(input, data, problems, counts, files);
  await input.confirmWriter?.();
  await storeStep(site, () =>
    store.put(manifestKey, `${JSON.stringify(manifest, null, 2)}\n`, { contentType: CONTENT_TYPES.json }),
  );

  if (manifest.status !== 'complete') return { manifest, manifestKey, latestMoved: false };
  return { manifest, manifestKey, ...(await pointLatestAt(store, site, runId, manifestKey, input.clock)) };
}

/** The users' sink after the connector has closed it; a connector that did not is a bug, said so. */
function closedUsers(users: SortedUserFiles | undefined, site: string): SortedUserFiles {
  if (users === undefined || !users.isClosed()) {
    throw new RollcallError(`site ${site}: the export ended without closing its users (a provider bug)`);
  }
  return users;
}

/**
 * A run whose snapshot is complete and whose files still match its manifest is never written
 * again: a retried run (same scheduled time, same keys) ends here, before the API is asked for
 * anything. Points latest.json at it, in case the first attempt stopped between its manifest and
 * the pointer. A complete manifest whose files do not match is not reused: the run is written
 * again.
 */
export async function reuseCompleteSnapshot(
  store: ObjectStore,
  site: string,
  runId: string,
  clock: Clock,
): Promise<WriteSnapshotResult | undefined> {
  const manifestKey = manifestKeyOf(site, runId);
  const existing = await storeStep(site, () => readManifestAt(store, manifestKey));
  if (existing?.status !== 'complete') return undefined;
  const verification = await storeStep(site, () => verifySnapshot(store, manifestKey));
  if (!verification.ok) return undefined;
  return {
    manifest: verification.manifest,
    manifestKey,
    ...(await pointLatestAt(store, site, runId, manifestKey, clock)),
  };
}

async function pointLatestAt(
  store: ObjectStore,
  site: string,
  runId: string,
  manifestKey: string,
  clock: Clock,
): Promise<Pick<WriteSnapshotResult, 'latestMoved' | 'latestWarning'>> {
  const { moved, warning } = await storeStep(site, () =>
    advanceLatest(store, site, runId, manifestKey, clock),
  );
  return { latestMoved: moved, ...(warning === undefined ? {} : { latestWarning: warning }) };
}

function completenessProblems(listings: Readonly<Record<string, ListingReport>>): string[] {
  const problems: string[] = [];
  const entries = Object.entries(listings);
  // No listing at all is a provider bug, not a vacuously complete export.
  if (entries.length === 0) problems.push('the export reported no listings');
  for (const [name, listing] of entries) {
    if (!listing.complete) {
      // Providers' reasons name their listing already ("users: stopped after …").
      problems.push(listing.reason ?? `${name}: the listing did not reach its end`);
    } else if (listing.reportedTotal !== null && listing.uniqueRecords !== listing.reportedTotal) {
      problems.push(
        `${name}: ${listing.uniqueRecords} unique records, but the API reported ${listing.reportedTotal}`,
      );
    }
  }
  return problems;
}

function manifestCapabilities(capabilities: Capabilities): NonNullable<Manifest['capabilities']> {
  const { privilege } = capabilities;
  return { ...capabilities, privilege: { ...privilege, groupNames: [...privilege.groupNames] } };
}

function buildManifest(
  input: WriteSnapshotInput,
  data: ProviderExport,
  problems: readonly string[],
  counts: Manifest['counts'],
  files: ManifestFile[],
): Manifest {
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    tool: { name: 'rollcall', version: input.toolVersion },
    site: input.site,
    provider: input.provider,
    ...(input.providerName === undefined ? {} : { providerName: input.providerName }),
    ...(input.capabilities === undefined ? {} : { capabilities: manifestCapabilities(input.capabilities) }),
    ...(input.origin === undefined ? {} : { origin: input.origin }),
    runId: input.runId,
    scheduledAt: input.scheduledAt.toISOString(),
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.clock.now().toISOString(),
    ...(input.slices === undefined || input.slices < 2 ? {} : { slices: input.slices }),
    status: problems.length === 0 ? 'complete' : 'incomplete',
    ...(problems.length === 0 ? {} : { reason: problems.join('; ') }),
    counts,
    source: Object.fromEntries(
      Object.entries(data.listings).map(([name, listing]) => [
        name,
        sourceEntry(listing, data.traffic?.[name]),
      ]),
    ),
    files,
  };
  const checked = manifestSchema.safeParse(manifest);
  if (!checked.success) {
    throw new RollcallError(
      `the manifest of site ${input.site} run ${input.runId} does not match its schema: ${z.prettifyError(checked.error)}`,
      { cause: checked.error },
    );
  }
  return checked.data;
}

/** Copies only the manifest's fields, so extra properties on a report cannot break the strict schema. */
function sourceEntry(listing: ListingReport, traffic: Traffic | undefined): Manifest['source'][string] {
  const warnings = [...(listing.warnings ?? []), ...anomalyWarnings(traffic)];
  return {
    pages: listing.pages,
    reportedTotal: listing.reportedTotal,
    uniqueRecords: listing.uniqueRecords,
    duplicatesDropped: listing.duplicatesDropped,
    retries: listing.retries,
    ...(traffic === undefined
      ? {}
      : { rateLimitWaits: traffic.rateLimitWaits, slowestRequestMs: Math.round(traffic.slowestRequestMs) }),
    ...(listing.reportedTotals === undefined ? {} : { reportedTotals: [...listing.reportedTotals] }),
    ...(traffic === undefined || traffic.invalidUtf8Records === 0
      ? {}
      : { invalidUtf8Records: traffic.invalidUtf8Records }),
    ...(traffic === undefined || traffic.duplicateKeyRecords === 0
      ? {}
      : { duplicateKeyRecords: traffic.duplicateKeyRecords }),
    complete: listing.complete,
    ...(listing.reason === undefined ? {} : { reason: listing.reason }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

/** What a listing's bodies hid, for people: the records are kept as parsed. */
function anomalyWarnings(traffic: Traffic | undefined): string[] {
  const warnings: string[] = [];
  if (traffic !== undefined && traffic.invalidUtf8Records > 0) {
    warnings.push(
      `${traffic.invalidUtf8Records} record(s) held bytes that are not UTF-8; they are kept with U+FFFD in their place.`,
    );
  }
  if (traffic !== undefined && traffic.duplicateKeyRecords > 0) {
    warnings.push(
      `${traffic.duplicateKeyRecords} record(s) gave a JSON key twice; they are kept as parsed, with the last value of each.`,
    );
  }
  return warnings;
}

interface DataFileSpec {
  readonly name: string;
  /** Writes the file, or (the users') several files at once. */
  readonly write: () => Promise<ManifestFile | ManifestFile[]>;
}

/** The order files are listed in the manifest, whichever way they were written. */
const FILE_ORDER = [
  snapshotFiles.usersJsonl,
  snapshotFiles.groupsJsonl,
  snapshotFiles.usersCsv,
  snapshotFiles.groupsCsv,
  snapshotFiles.membershipsCsv,
] as const;

async function writeDataFiles(
  store: ObjectStore,
  site: string,
  prefix: string,
  specs: readonly DataFileSpec[],
): Promise<ManifestFile[]> {
  // allSettled, not all: every stream must have stopped before the error is reported.
  const results = await Promise.allSettled(specs.map((spec) => spec.write()));
  return results.flatMap((result, index) => {
    const spec = specs[index] as DataFileSpec;
    if (result.status === 'rejected') {
      // A StoreError already names the object; anything else (a record that cannot be serialised) does not.
      const problem =
        result.reason instanceof StoreError
          ? result.reason.message
          : `could not write ${store.locate(`${prefix}${spec.name}`)}: ${describeCause(result.reason)}`;
      throw new SiteError('store', `site ${site}: ${problem}`, { cause: result.reason });
    }
    return result.value;
  });
}

/** Runs a store call; any failure becomes the site's `store` error, naming the site and keeping the cause. */
async function storeStep<T>(site: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    if (cause instanceof SiteError) throw cause;
    throw new SiteError('store', `site ${site}: ${describeCause(cause)}`, { cause });
  }
}
