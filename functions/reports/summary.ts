import * as z from 'zod';
import { type AuditRuleId, findingStatuses, type Severity, severities } from '../audit/model.ts';
import { auditRuleIds } from '../config/schema.ts';
import { removedGroupsWithMembers } from './accidental-changes.ts';
import type { FindingFigures } from './html/figures.ts';
import type { ReportModel } from './report-model.ts';

export const SUMMARY_SCHEMA_VERSION = 1;

const count = z.number().int().nonnegative();
const perSeverity = z.strictObject({ high: count, medium: count, low: count });

const ruleOutcomeSchema = z.strictObject({
  rule: z.enum(auditRuleIds),
  available: z.boolean(),
  unavailableReason: z.string().optional(),
  evaluated: count,
  pass: count,
  fail: count,
  unknown: count,
  excepted: count,
  outOfScope: count,
});

const churnLimitSchema = z.strictObject({ median: z.number(), mad: z.number(), limit: count });
const churnBaselineSchema = z.union([
  z.strictObject({ nights: count, applies: z.literal(false) }),
  z.strictObject({
    nights: count,
    applies: z.literal(true),
    removedUsers: churnLimitSchema,
    lostMemberships: churnLimitSchema,
  }),
]);

/**
 * summary.json: what a dashboard, an alarm or the next audit (for its history chart) needs
 * without reading the findings. Read back through this schema, so a hand-edited file is caught.
 */
export const summarySchema = z.strictObject({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  tool: z.strictObject({ name: z.literal('rollcall'), version: z.string() }),
  site: z.string(),
  provider: z.string(),
  runId: z.string(),
  scheduledAt: z.iso.datetime(),
  previousRunId: z.string().nullable(),
  warnings: z.array(z.string()),
  snapshot: z.strictObject({
    manifest: z.string(),
    status: z.enum(['complete', 'incomplete']),
    reason: z.string().optional(),
    hashesVerified: z.boolean(),
  }),
  counts: z.strictObject({ users: count, groups: count, memberships: count }),
  rules: z.array(ruleOutcomeSchema),
  findings: z.strictObject({
    byStatus: z.record(z.enum(findingStatuses), count),
    failsBySeverity: perSeverity,
    /** FAIL findings of each rule, per severity (only mfa-missing has two). */
    failsByRule: z.record(z.enum(auditRuleIds), perSeverity),
  }),
  changes: z
    .strictObject({
      usersAdded: count,
      usersRemoved: count,
      usersChanged: count,
      activity: count,
      groupsAdded: count,
      groupsRemoved: count,
      groupsChanged: count,
      membershipsGained: count,
      membershipsLost: count,
    })
    .nullable(),
  verdict: z
    .strictObject({
      status: z.enum(['ok', 'suspect']),
      removedUsers: count,
      removedUsersThreshold: count,
      lostMemberships: count,
      lostMembershipsThreshold: count,
      reasons: z.array(z.string()),
      /** Absent in summaries written before the site's own churn was compared. */
      baseline: churnBaselineSchema.optional(),
    })
    .nullable(),
  /**
   * Changes that look like accidents, high severity: groups removed while they had members, each
   * with the restore command that brings it back. Absent in summaries written before it.
   */
  highSeverityChanges: z
    .array(
      z.strictObject({
        kind: z.literal('group-removed-with-members'),
        severity: z.literal('high'),
        groupKey: z.string(),
        groupName: z.string(),
        members: count,
        detail: z.string(),
        restoreCommand: z.string(),
      }),
    )
    .optional(),
  /** Absent in summaries written before administrators were counted. */
  privilege: z
    .strictObject({
      shownBy: z.string(),
      administrators: count,
      groups: z.array(z.string()),
      unavailableReason: z.string().optional(),
    })
    .optional(),
  thresholds: z.unknown(),
});
export type Summary = z.infer<typeof summarySchema>;

export type SeverityCounts = Summary['findings']['failsBySeverity'];

/** FAIL findings per severity, over every rule. */
export function failsBySeverity(figures: FindingFigures): SeverityCounts {
  const counts = noSeverities();
  for (const tally of figures.byRule.values())
    for (const severity of severities) counts[severity] += tally.failBySeverity[severity];
  return counts;
}

function failsByRule(figures: FindingFigures): Record<AuditRuleId, SeverityCounts> {
  return Object.fromEntries(
    auditRuleIds.map((rule) => [rule, { ...(figures.byRule.get(rule)?.failBySeverity ?? noSeverities()) }]),
  ) as Record<AuditRuleId, SeverityCounts>;
}

function noSeverities(): Record<Severity, number> {
  return Object.fromEntries(severities.map((severity) => [severity, 0])) as Record<Severity, number>;
}

export function summaryOf(model: ReportModel): Summary {
  const { figures } = model.audit;
  const byStatus = { FAIL: figures.fail, UNKNOWN: figures.unknown, EXCEPTED: figures.excepted };
  const { diff } = model;
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    tool: model.tool,
    site: model.site,
    provider: model.provider,
    runId: model.runId,
    scheduledAt: model.scheduledAt,
    previousRunId: model.previousRunId ?? null,
    warnings: [...model.warnings],
    snapshot: {
      manifest: model.evidence.manifestLocation,
      status: model.evidence.status,
      ...(model.evidence.reason === undefined ? {} : { reason: model.evidence.reason }),
      hashesVerified: model.evidence.hashesVerified,
    },
    counts: model.evidence.counts,
    rules: model.audit.rules.map((rule) => ({ ...rule })),
    findings: { byStatus, failsBySeverity: failsBySeverity(figures), failsByRule: failsByRule(figures) },
    changes: diff
      ? {
          usersAdded: diff.users.added.total,
          usersRemoved: diff.users.removed.total,
          usersChanged: diff.users.changed.total,
          activity: diff.users.activity,
          groupsAdded: diff.groups.added.length,
          groupsRemoved: diff.groups.removed.length,
          groupsChanged: diff.groups.changed.length,
          membershipsGained: diff.memberships.gained.total,
          membershipsLost: diff.memberships.lost.total,
        }
      : null,
    verdict: diff ? { ...diff.verdict, reasons: [...diff.verdict.reasons] } : null,
    highSeverityChanges: diff ? removedGroupsWithMembers(model.site, diff) : [],
    privilege: {
      shownBy: model.privilege.shownBy,
      administrators: model.privilege.administrators,
      groups: [...model.privilege.groups],
      ...(model.privilege.unavailableReason === undefined
        ? {}
        : { unavailableReason: model.privilege.unavailableReason }),
    },
    thresholds: model.thresholds,
  };
}
