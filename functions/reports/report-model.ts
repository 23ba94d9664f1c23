import type { RuleOutcome, Severity } from '../audit/model.ts';
import type { AuditSettings } from '../config/schema.ts';
import type { NightChurn } from '../diff/churn-baseline.ts';
import type {
  MassChangeVerdict,
  MembershipChange,
  MembershipTally,
  SnapshotDiff,
  UserChange,
  UserRef,
} from '../diff/model.ts';
import type { PrivilegeEvidence } from '../shared/model.ts';
import type { Manifest, ManifestFile } from '../snapshot/manifest.ts';
import type { Capped } from './capped.ts';
import type { FindingsShown } from './finding-selection.ts';
import type { FindingFigures } from './html/figures.ts';

/** One earlier (or this) run of the site, for the charts over recent snapshots. */
export interface HistoryPoint {
  readonly runId: string;
  readonly scheduledAt: string;
  readonly users: number;
  /** FAIL findings per severity from that run's summary.json; null when that run was never audited. */
  readonly failsBySeverity: Readonly<Record<Severity, number>> | null;
  /** What that run's audit counted as removed and lost, for the churn baseline; absent when it was not compared. */
  readonly churn?: NightChurn;
}

/** Everything a report for people shows; built once by the audit, rendered to report.html. */
export interface ReportModel {
  readonly tool: { readonly name: 'rollcall'; readonly version: string };
  readonly site: string;
  readonly provider: string;
  /** "Periscope Data (v1)". */
  readonly providerName: string;
  readonly runId: string;
  readonly scheduledAt: string;
  /** When this audit wrote its reports (ISO, UTC): the report says how fresh it is. */
  readonly generatedAt: string;
  /** Which site of the source was read (`Periscope site "acme" at https://…`); absent in old manifests. */
  readonly origin?: string;
  /**
   * Said at the top of every report, before anything else: e.g. the snapshot is incomplete or
   * its hashes do not match and it was audited only because of `--allow-incomplete`.
   */
  readonly warnings: readonly string[];
  readonly evidence: {
    readonly manifestLocation: string;
    readonly status: Manifest['status'];
    readonly reason?: string;
    /** True when every file was re-read and matched its recorded SHA-256 and size. */
    readonly hashesVerified: boolean;
    readonly counts: Manifest['counts'];
    /** Per listing: pages, the API's reported total, unique records, duplicates dropped, retries. */
    readonly source: Manifest['source'];
    readonly files: readonly ManifestFile[];
    readonly startedAt: string;
    readonly finishedAt: string;
    /** The tool version that wrote the snapshot (the report's own is `tool.version`). */
    readonly snapshotToolVersion: string;
  };
  /** The thresholds this audit used (exceptions listed in full). */
  readonly thresholds: AuditSettings;
  /** Who administers the site, as this audit found it. */
  readonly privilege: PrivilegeFound;
  readonly audit: FindingsReport;
  /** The previous complete run compared with; absent on a site's first snapshot. */
  readonly previousRunId?: string;
  readonly diff?: DiffReport;
  /** Oldest first, this run last; at most the site's 30 most recent runs. */
  readonly history: readonly HistoryPoint[];
}

/** Who administers the site: how the source shows it and what was found (see audit/privileged.ts). */
export interface PrivilegeFound {
  /** "members of the group \"Administrators\"": how the source shows administrators. */
  readonly shownBy: string;
  /**
   * How the source shows administrators, as the audit used it (manifest, else registry): with
   * `thresholds.privilegedGroups` and the snapshot's groups, `privilegeOf` (audit/privileged.ts)
   * decides any user or group the same way the audit did.
   */
  readonly evidence: PrivilegeEvidence;
  /** Users found administering the site. */
  readonly administrators: number;
  /** Names of the snapshot's groups that confer administration (declared by the source or configured). */
  readonly groups: readonly string[];
  /** Why nobody can be found privileged on this snapshot, when that is so. */
  readonly unavailableReason?: string;
}

/** The audit as the page and the summary see it: counts of everything, and the findings it lists. */
export interface FindingsReport {
  /** One per rule, in the order of `auditRuleIds`. */
  readonly rules: readonly RuleOutcome[];
  readonly figures: FindingFigures;
  /** Every finding while there are at most 2,000; else the highest-severity 2,000 (findings.csv has all). */
  readonly shown: FindingsShown;
}

/** The diff as the page and the summary see it: the lists capped (changes.csv has every row). */
export interface DiffReport {
  readonly fromRunId: string;
  readonly toRunId: string;
  readonly users: {
    readonly added: Capped<UserRef>;
    readonly removed: Capped<UserRef>;
    /** Counts users with at least one changed field. */
    readonly changed: Capped<UserChange>;
    readonly activity: number;
  };
  /** In full: groups are few. */
  readonly groups: SnapshotDiff['groups'];
  readonly memberships: {
    readonly gained: Capped<MembershipChange>;
    readonly lost: Capped<MembershipChange>;
    readonly byGroup: readonly MembershipTally[];
  };
  readonly verdict: MassChangeVerdict;
}
