/**
 * What the state machine sends each function and what each returns. A Step Functions LambdaInvoke
 * passes the state's input as the payload; keys not named here are ignored, so the export's output
 * can be passed to the audit as it is.
 */
import * as z from 'zod';
import { describeIssues } from '../config/load-config.ts';
import { RollcallBadEvent } from './errors.ts';

const siteId = z.string().min(1, 'must be a site id');
const count = z.number().int().nonnegative();
const RUN_ID = /^\d{8}T\d{6}Z$/;

/** What EventBridge Scheduler puts in the execution input: `<aws.scheduler.scheduled-time>`. */
export const exportEventSchema = z.object({
  site: siteId,
  scheduledAt: z.iso.datetime({
    offset: true,
    error: 'must be an ISO-8601 time such as 2026-11-22T02:00:00Z',
  }),
  /** The chain of slices the state machine runs this slice in: the id of the run's first execution. */
  holder: z.string().min(1).max(2048).optional(),
});
export type ExportEvent = z.infer<typeof exportEventSchema>;

/** The run ended with this slice: its manifest is written, complete or incomplete. */
export const exportFinishedSchema = z.object({
  site: z.string(),
  runId: z.string().regex(RUN_ID),
  /** The scheduled time as ISO-8601 UTC; it decided the run id and the keys. */
  scheduledAt: z.iso.datetime(),
  status: z.enum(['complete', 'incomplete']),
  /** Why the run is incomplete. */
  reason: z.string().optional(),
  counts: z.object({ users: count, groups: count, memberships: count }),
  /** The manifest's key relative to the store's root (as in latest.json). */
  manifestKey: z.string(),
});
export type ExportFinished = z.infer<typeof exportFinishedSchema>;

/**
 * The slice's time ran out before the run ended: the state machine invokes the export again with
 * the same event and it resumes from the checkpoint. The checkpoint's key, never the checkpoint:
 * Step Functions carries at most 256 KiB between states.
 */
export const exportInProgressSchema = z.object({
  site: z.string(),
  runId: z.string().regex(RUN_ID),
  scheduledAt: z.iso.datetime(),
  status: z.literal('in-progress'),
  /** The checkpoint's key relative to the store's root, under `work/site=<site>/run=<run>/`. */
  checkpointKey: z.string(),
  /** Slices of this run so far, this one included. */
  slices: z.number().int().positive(),
  /** Where the listings stand, for people: "users page 1,204 of ~2,500". */
  progress: z.string(),
});
export type ExportInProgress = z.infer<typeof exportInProgressSchema>;

/** What one export invocation returns; the state machine branches on `status`. */
export const exportOutputSchema = z.discriminatedUnion('status', [
  exportFinishedSchema,
  exportInProgressSchema,
]);
export type ExportOutput = z.infer<typeof exportOutputSchema>;

export const auditEventSchema = z.object({
  site: siteId,
  runId: z.string().regex(RUN_ID, 'must be a run id such as 20261122T020000Z'),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditOutputSchema = z.object({
  site: z.string(),
  runId: z.string().regex(RUN_ID),
  /** The complete run this one was compared with; absent for a site's first snapshot. */
  previousRunId: z.string().regex(RUN_ID).optional(),
  /** The mass-change verdict; `ok` when there is no previous snapshot to compare with. */
  verdict: z.enum(['ok', 'suspect']),
  /** Why the verdict is `suspect`, one sentence each; empty when it is `ok`. */
  verdictReasons: z.array(z.string()),
  /**
   * High-severity changes, one line each, in the run-complete notification: a group removed with
   * its members and the exact `rollcall restore` command that brings them back.
   */
  highSeverityChanges: z.array(z.string()),
  /** FAIL findings per severity. */
  failsBySeverity: z.object({ high: count, medium: count, low: count }),
  /** report.html's key relative to the store's root. */
  reportKey: z.string(),
  /** report.html for people: `s3://bucket/prefix/reports/…/report.html`. */
  reportLocation: z.string(),
});
export type AuditOutput = z.infer<typeof auditOutputSchema>;

/** The evidence function takes the audit's event: the run whose reports are written. */
export const evidenceEventSchema = auditEventSchema;
export type EvidenceEvent = AuditEvent;

export const evidenceOutputSchema = z.object({
  site: z.string(),
  runId: z.string().regex(RUN_ID),
  /** evidence.xlsx's key relative to the store's root. */
  evidenceKey: z.string(),
  /** evidence.xlsx for people: `s3://bucket/prefix/reports/…/evidence.xlsx`. */
  evidenceLocation: z.string(),
});
export type EvidenceOutput = z.infer<typeof evidenceOutputSchema>;

/**
 * The event, validated; a RollcallBadEvent naming each wrong field otherwise. `expectedSite` is
 * the site this function is deployed for: an event for another site is a wiring mistake.
 */
export function parseEvent<Schema extends z.ZodType<{ site: string }>>(
  schema: Schema,
  event: unknown,
  what: string,
  expectedSite: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(event);
  if (!parsed.success)
    throw new RollcallBadEvent(describeIssues(what, parsed.error, event).split('\n').join('; '));
  if (parsed.data.site !== expectedSite) {
    throw new RollcallBadEvent(
      `${what}: site "${parsed.data.site}" is not this function's site "${expectedSite}" (each site has its own functions).`,
    );
  }
  return parsed.data;
}
