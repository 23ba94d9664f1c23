import type { SiteConfig } from '../config/schema.ts';
import { withChurnBaseline } from '../diff/churn-baseline.ts';
import { type SiteFailure, siteFailure } from '../export/site-failure.ts';
import { ChangesOutput } from '../reports/changes-output.ts';
import { FindingsOutput } from '../reports/findings-output.ts';
import type { ReportModel } from '../reports/report-model.ts';
import { SpillDir } from '../reports/spill.ts';
import { failsBySeverity, type Summary } from '../reports/summary.ts';
import { type WrittenReports, writeReports } from '../reports/write-reports.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import type { Capabilities, PrivilegeEvidence } from '../shared/model.ts';
import { listRuns, previousCompleteRun, type StoredRun } from '../snapshot/list-runs.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import {
  readGroupFields,
  readLatest,
  readManifestAt,
  readUserLineBatches,
  runPrefixOf,
  SnapshotError,
  type SnapshotVerification,
  verifySnapshot,
} from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { auditWalk } from './audit-walk.ts';
import { firstSeenRun } from './first-seen.ts';
import { churnBaselineOf, HISTORY_RUNS, recentHistory } from './history.ts';
import { privilegeOf, unmatchedPrivilegedGroupWarnings } from './privileged.ts';
import { describeRuns, missingRunReason, noCompleteRunReason } from './run-messages.ts';

/** What the audit needs to know of the provider that wrote a snapshot. */
export interface ProviderFacts {
  /** "Periscope Data (v1)", for UNAVAILABLE reasons and the report. */
  readonly name: string;
  readonly capabilities: Capabilities;
}

export interface AuditDeps {
  readonly store: ObjectStore;
  readonly toolVersion: string;
  /**
   * The provider's facts for snapshots whose manifest does not record them (written before
   * manifests did): the shell looks them up in its provider registry, so the audit core needs
   * none. Undefined for an unknown provider.
   */
  readonly providerFacts?: (provider: string) => ProviderFacts | undefined;
  /** When the reports are written, for their "generated at" (default: the system clock). */
  readonly clock?: Clock;
  /** Where the audit's temporary spill files go (default: the system's temporary folder). */
  readonly spillDirectory?: string;
  /**
   * Writes evidence.xlsx once the other reports are stored. A shell's choice, not the core's: the
   * CLI passes `writeEvidence`; on AWS the workbook is the next step's, as exceljs does not fit
   * in the audit function's bundle.
   */
  readonly writeEvidence?: (site: SiteConfig, runId: string) => Promise<unknown>;
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
  deps: AuditDeps,
): Promise<SiteAuditResult> {
  const { store } = deps;
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

  const spill = await SpillDir.create(deps.spillDirectory);
  try {
    const audited = await auditRun(site, runs, run, options, deps, spill);
    if ('reason' in audited) return { site: site.id, status: 'refused', runId, reason: audited.reason };
    const written = await writeReports(store, audited.model, audited.outputs);
    await deps.writeEvidence?.(site, runId);
    return {
      site: site.id,
      status: 'audited',
      runId,
      ...(audited.model.previousRunId === undefined ? {} : { previousRunId: audited.model.previousRunId }),
      summary: written.summary,
      reports: written.locations,
    };
  } finally {
    await spill.remove();
  }
}

type Audited =
  | { readonly model: ReportModel; readonly outputs: Parameters<typeof writeReports>[2] }
  | { readonly reason: string };

/**
 * Walks the run, the previous complete run and the first-seen run once, auditing and diffing
 * key by key into spill files, while the run's files are re-hashed beside it. Nothing is written
 * to the store here: a snapshot that turns out not to match its manifest gets no reports.
 */
async function auditRun(
  site: SiteConfig,
  runs: readonly StoredRun[],
  run: StoredRun,
  options: AuditOptions,
  deps: AuditDeps,
  spill: SpillDir,
): Promise<Audited> {
  const { store } = deps;
  const { runId } = run;
  const manifest = await readManifestAt(store, run.manifestKey);
  if (!manifest) throw new SnapshotError(`there is no manifest at ${store.locate(run.manifestKey)}`);
  const facts = providerFactsOf(site.id, manifest, deps);
  if ((manifest.status !== 'complete' && !options.allowIncomplete) || facts instanceof Error) {
    // Refused or unknown either way: say why without reading the users.
    const warnings = snapshotWarnings(
      site.id,
      manifest,
      (await verifySnapshot(store, run.manifestKey)).problems,
    );
    if (warnings.length > 0 && !options.allowIncomplete) return { reason: refusal(warnings) };
    if (facts instanceof Error) throw facts;
  }
  const provider = facts as ProviderFacts;
  const settings = site.audit;
  const scheduledAt = new Date(manifest.scheduledAt);
  const previousRun = (await previousCompleteRun(store, runs, runId))?.run;
  const seen = await firstSeenRun(store, runs, scheduledAt, settings.neverLoggedInGraceDays);
  const prefix = runPrefixOf(run.manifestKey);
  const [groups, previousGroups] = await Promise.all([
    collect(readGroupFields(store, prefix)),
    previousRun ? collect(readGroupFields(store, runPrefixOf(previousRun.manifestKey))) : undefined,
  ]);
  const privilege = privilegeOf({
    evidence: provider.capabilities.privilege,
    configuredNames: settings.privilegedGroups,
    groups,
    providerName: provider.name,
  });
  const findings = new FindingsOutput(spill, site.id, runId);
  const changes = previousRun ? new ChangesOutput(spill, site.id, previousRun.runId, runId) : undefined;
  const walk = auditWalk({
    current: { runId, users: readUserLineBatches(store, prefix), groups },
    ...(previousRun && changes && previousGroups
      ? {
          previous: {
            runId: previousRun.runId,
            users: readUserLineBatches(store, runPrefixOf(previousRun.manifestKey)),
            groups: previousGroups,
            sink: changes,
            threshold: settings.massChangeThreshold,
          },
        }
      : {}),
    ...(seen
      ? {
          firstSeen: {
            at: seen.at,
            runId: seen.run.runId,
            ...(seen.run.runId === previousRun?.runId
              ? {}
              : { users: readUserLineBatches(store, runPrefixOf(seen.run.manifestKey)) }),
          },
        }
      : {}),
    setup: {
      privilege,
      capabilities: provider.capabilities,
      providerName: provider.name,
      settings,
      scheduledAt,
    },
    findings: (finding) => findings.add(finding),
  });
  const [walked, verified] = await Promise.allSettled([walk, verifySnapshot(store, run.manifestKey)]);
  if (verified.status === 'rejected') throw verified.reason;
  const verification: SnapshotVerification = verified.value;
  const warnings = snapshotWarnings(site.id, manifest, verification.problems);
  if (warnings.length > 0 && !options.allowIncomplete) return { reason: refusal(warnings) };
  // A file that cannot even be parsed stops the audit, --allow-incomplete or not.
  if (walked.status === 'rejected') throw walked.reason;
  const { rules, administrators } = walked.value;

  const audit = findings.report(rules);
  const history = await recentHistory(store, site.id, runs, runId);
  // The fixed threshold, then the site's own recent churn (from the summaries of its last nights):
  // the judged verdict goes to summary.json, the report and the alarm. diff.json stays what the
  // two snapshots say with the fixed threshold, as `rollcall diff` of any two runs says it.
  const walkedDiff = walked.value.diff;
  const judged = walkedDiff && {
    ...walkedDiff,
    verdict: withChurnBaseline(walkedDiff.verdict, churnBaselineOf(history)),
  };
  const model: ReportModel = {
    tool: { name: 'rollcall', version: deps.toolVersion },
    site: site.id,
    provider: manifest.provider,
    providerName: provider.name,
    runId,
    scheduledAt: manifest.scheduledAt,
    generatedAt: (deps.clock ?? systemClock).now().toISOString(),
    ...(manifest.origin === undefined ? {} : { origin: manifest.origin }),
    warnings: [
      ...warnings.map((warning) => `${warning} It was audited only because --allow-incomplete was given.`),
      ...unmatchedPrivilegedGroupWarnings(site.id, privilege.unmatchedNames),
    ],
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
    privilege: {
      shownBy: provider.capabilities.privilege.shownBy,
      evidence: provider.capabilities.privilege,
      administrators,
      groups: groups.filter((group) => privilege.isPrivilegedGroup(group.key)).map((group) => group.name),
      ...(privilege.unavailableReason === undefined
        ? {}
        : { unavailableReason: privilege.unavailableReason }),
    },
    audit,
    ...(previousRun ? { previousRunId: previousRun.runId } : {}),
    ...(changes && judged ? { diff: changes.report(judged) } : {}),
    history: [
      ...history.slice(-(HISTORY_RUNS - 1)),
      {
        runId,
        scheduledAt: manifest.scheduledAt,
        users: manifest.counts.users,
        failsBySeverity: failsBySeverity(audit.figures),
      },
    ],
  };
  return {
    model,
    outputs: {
      findings,
      ...(changes && walkedDiff ? { changes: { output: changes, outcome: walkedDiff } } : {}),
    },
  };
}

/**
 * The provider's name and capabilities: from the manifest, else (a manifest written before it
 * recorded them) from the shell's registry; an Error when neither knows the provider.
 */
function providerFactsOf(siteId: string, manifest: Manifest, deps: AuditDeps): ProviderFacts | Error {
  const fallback = deps.providerFacts?.(manifest.provider);
  const name = manifest.providerName ?? fallback?.name;
  const recorded = manifest.capabilities;
  const capabilities: Capabilities | undefined =
    recorded === undefined
      ? fallback?.capabilities
      : {
          ...recorded,
          privilege: recorded.privilege ?? fallback?.capabilities.privilege ?? noPrivilegeEvidence,
        };
  if (name !== undefined && capabilities !== undefined) return { name, capabilities };
  return new Error(
    `run ${manifest.runId} of site ${siteId} was written by an unknown provider "${manifest.provider}"`,
  );
}

/** A provider nothing is known of shows administrators only through configured groups. */
const noPrivilegeEvidence: PrivilegeEvidence = {
  shownBy: 'nothing rollcall recorded',
  groupNames: [],
  groupFlag: false,
  userFlag: false,
};

function refusal(warnings: readonly string[]): string {
  return `${warnings.join(' ')} Audit it anyway with --allow-incomplete.`;
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

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const record of records) out.push(record);
  return out;
}
