import type { SiteConfig } from '../config/schema.ts';
import { diffSnapshots } from '../diff/diff-snapshots.ts';
import { type SiteFailure, siteFailure } from '../export/site-failure.ts';
import { adapterFor, isProviderId } from '../providers/registry.ts';
import type { ReportModel } from '../reports/report-model.ts';
import { failsBySeverity, type Summary } from '../reports/summary.ts';
import { type WrittenReports, writeReports } from '../reports/write-reports.ts';
import { listRuns, previousCompleteRun, type StoredRun } from '../snapshot/list-runs.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { readLatest } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { evaluateAudit } from './evaluate-audit.ts';
import { firstSeenAt } from './first-seen.ts';
import { recentHistory } from './history.ts';
import { loadSnapshot, loadVerifiedSnapshot } from './load-snapshot.ts';
import { describeRuns, missingRunReason, noCompleteRunReason } from './run-messages.ts';

export interface AuditDeps {
  readonly store: ObjectStore;
  readonly toolVersion: string;
}

export interface AuditOptions {
  /** The run to audit; default the site's latest complete run. */
  readonly runId?: string;
  /** Audit an incomplete or tampered snapshot anyway; every report then says so at the top. */
  readonly allowIncomplete?: boolean;
}

export type SiteAuditResult =
  | {
      readonly site: string;
      readonly status: 'audited';
      readonly runId: string;
      readonly previousRunId?: string;
      readonly summary: Summary;
      readonly reports: WrittenReports['locations'];
    }
  /** The snapshot is incomplete or does not match its manifest: exit 1. */
  | { readonly site: string; readonly status: 'refused'; readonly runId: string; readonly reason: string }
  /** There is nothing to audit (no complete run, or no such run): exit 2, the reason says what exists. */
  | { readonly site: string; readonly status: 'missing'; readonly reason: string }
  | ({ readonly site: string } & SiteFailure);

/**
 * Audits one run of a site against the complete run before it and writes its reports. Every
 * outcome is returned, not thrown, so the other sites of a command are still audited.
 */
export async function auditSite(
  site: SiteConfig,
  options: AuditOptions,
  deps: AuditDeps,
): Promise<SiteAuditResult> {
  try {
    return await auditSiteOrThrow(site, options, deps);
  } catch (error) {
    return { site: site.id, ...siteFailure(site.id, error) };
  }
}

async function auditSiteOrThrow(
  site: SiteConfig,
  options: AuditOptions,
  { store, toolVersion }: AuditDeps,
): Promise<SiteAuditResult> {
  const runs = await listRuns(store, site.id);
  const latest = await readLatest(store, site.id);
  const runId = options.runId ?? latest?.runId;
  if (runId === undefined)
    return { site: site.id, status: 'missing', reason: await noCompleteRunReason(store, site.id, runs) };
  const run = runs.find((candidate) => candidate.runId === runId);
  if (!run)
    return {
      site: site.id,
      status: 'missing',
      reason: missingRunReason(site.id, runId, await describeRuns(store, runs), latest?.runId),
    };

  const built = await buildReportModel(store, site, runs, run, options, toolVersion);
  if ('reason' in built) return { site: site.id, status: 'refused', runId, reason: built.reason };
  // The snapshots are out of scope here: only the findings and the diff stay in memory while the
  // reports are written.
  const written = await writeReports(store, built);
  return {
    site: site.id,
    status: 'audited',
    runId,
    ...(built.previousRunId === undefined ? {} : { previousRunId: built.previousRunId }),
    summary: written.summary,
    reports: written.locations,
  };
}

/** Loads and verifies the run, audits it, diffs it against the previous complete run. */
async function buildReportModel(
  store: ObjectStore,
  site: SiteConfig,
  runs: readonly StoredRun[],
  run: StoredRun,
  options: AuditOptions,
  toolVersion: string,
): Promise<ReportModel | { reason: string }> {
  const { runId } = run;
  const loaded = await loadVerifiedSnapshot(store, run.manifestKey);
  const { verification } = loaded;
  const { manifest } = verification;
  const warnings = snapshotWarnings(site.id, manifest, verification.problems);
  if (warnings.length > 0 && !options.allowIncomplete)
    return { reason: `${warnings.join(' ')} Audit it anyway with --allow-incomplete.` };
  // A file that cannot even be parsed stops the audit, --allow-incomplete or not.
  if ('loadError' in loaded) throw loaded.loadError;
  const { snapshot } = loaded;
  if (!isProviderId(manifest.provider))
    throw new Error(
      `run ${runId} of site ${site.id} was written by an unknown provider "${manifest.provider}"`,
    );
  const adapter = adapterFor(manifest.provider);

  const previousRun = await previousCompleteRun(store, runs, runId);
  const previous = previousRun ? await loadSnapshot(store, previousRun.run.manifestKey) : undefined;
  const scheduledAt = new Date(manifest.scheduledAt);
  const settings = site.audit;
  const audit = evaluateAudit({
    users: snapshot.users,
    groupNames: new Map(snapshot.groups.map((group) => [group.key, group.name])),
    ...(previous
      ? { previousGroupsOfUser: new Map(previous.users.map((user) => [user.key, user.groups])) }
      : {}),
    capabilities: adapter.capabilities,
    providerName: adapter.displayName,
    settings,
    scheduledAt,
    firstSeenAt: await firstSeenAt(store, runs, snapshot.users, scheduledAt, settings.neverLoggedInGraceDays),
  });
  const diff = previous
    ? diffSnapshots(
        { runId: previous.manifest.runId, users: previous.users, groups: previous.groups },
        { runId, users: snapshot.users, groups: snapshot.groups },
        settings.massChangeThreshold,
      )
    : undefined;
  const history = await recentHistory(store, site.id, runs, runId);
  const thisRun = {
    runId,
    scheduledAt: manifest.scheduledAt,
    users: manifest.counts.users,
    failsBySeverity: failsBySeverity({ audit }),
  };
  return {
    tool: { name: 'rollcall', version: toolVersion },
    site: site.id,
    provider: manifest.provider,
    providerName: adapter.displayName,
    runId,
    scheduledAt: manifest.scheduledAt,
    warnings: warnings.map(
      (warning) => `${warning} It was audited only because --allow-incomplete was given.`,
    ),
    evidence: {
      manifestLocation: store.locate(run.manifestKey),
      status: manifest.status,
      ...(manifest.reason === undefined ? {} : { reason: manifest.reason }),
      hashesVerified: verification.ok,
      counts: manifest.counts,
      source: manifest.source,
      files: manifest.files,
      startedAt: manifest.startedAt,
      finishedAt: manifest.finishedAt,
      snapshotToolVersion: manifest.tool.version,
    },
    thresholds: settings,
    audit,
    ...(previousRun ? { previousRunId: previousRun.run.runId } : {}),
    ...(diff ? { diff } : {}),
    history: [...history, thisRun],
  };
}

/** What is wrong with a snapshot, one sentence each: empty when it is complete and matches its manifest. */
function snapshotWarnings(siteId: string, manifest: Manifest, problems: readonly string[]): string[] {
  const warnings: string[] = [];
  if (manifest.status !== 'complete')
    warnings.push(
      `Run ${manifest.runId} of site ${siteId} is INCOMPLETE (${manifest.reason ?? 'see its manifest'}): users missing from it are neither audited nor compared.`,
    );
  if (problems.length > 0)
    warnings.push(
      `The files of run ${manifest.runId} of site ${siteId} do not match its manifest: ${problems.join('; ')}.`,
    );
  return warnings;
}
