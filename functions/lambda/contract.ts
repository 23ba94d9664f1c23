/**
 * The contract between the stack (infra/) and the Lambda handlers: the environment variables
 * the stack sets, the error names its state machine retries and catches, and the metrics its
 * alarms watch. Both sides import these names from here; this module imports nothing.
 */

/** `s3://bucket[/prefix]`: the archive the functions read and write. */
export const STORE_VARIABLE = 'ROLLCALL_STORE';
/** One site's settings, as JSON, exactly as in the config file. */
export const SITE_VARIABLE = 'ROLLCALL_SITE';
/** The freshness check's window in seconds: the schedule's longest gap plus the run's grace. */
export const FRESHNESS_WINDOW_VARIABLE = 'ROLLCALL_FRESHNESS_WINDOW_SECONDS';
/** ISO time the freshness check was deployed: the wait for a first snapshot starts there. */
export const WATCHING_SINCE_VARIABLE = 'ROLLCALL_WATCHING_SINCE';

/**
 * V8 heap limits for the export. Listing and sorting a large site allocate fast, and V8 then
 * grows its heap far beyond what is live (about 60 MB): a 16 MB young generation and a 192 MB
 * old generation keep a 1,000,000-user export under 256 MB of memory at no extra CPU
 * (`npm run bench:export`, which runs the export with the same flags). What is live scales with
 * groups, not users; a site with hundreds of thousands of groups needs a larger old generation.
 */
export const EXPORT_HEAP_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=192'] as const;

/**
 * How much of the export function's time a slice leaves unused: when the invocation's remaining
 * time falls below this, the slice stops paging, uploads what it has read as parts and writes the
 * checkpoint. Two minutes of the 15-minute function: a part upload of a few megabytes and a
 * checkpoint write take seconds, the margin is for a slow store and one slow page in flight.
 */
export const EXPORT_SLICE_SAFETY_MARGIN_MS = 2 * 60_000;

export const SERVICE_NAME = 'rollcall';
export const METRICS_NAMESPACE = 'Rollcall';

/**
 * Metric names the stack's alarms use. Each has the dimensions `service` (= `rollcall`, added
 * by Powertools) and `site`; all are Counts except the age, in hours.
 */
export const metricNames = {
  usersExported: 'UsersExported',
  groupsExported: 'GroupsExported',
  pages: 'Pages',
  retries: 'Retries',
  /**
   * 1 when the export is complete, 0 when it is incomplete or failed for good. Emitted once per
   * run, by the slice that ends it: not by a slice that leaves work for the next one, nor by one
   * that fails with an error the state machine retries (exhausted retries fail the execution,
   * which the run-failed alarm sees).
   */
  exportComplete: 'ExportComplete',
  /** How many slices (invocations) the export of a run took: emitted with ExportComplete. */
  exportSlices: 'ExportSlices',
  findingsHigh: 'FindingsHigh',
  findingsMedium: 'FindingsMedium',
  findingsLow: 'FindingsLow',
  /** 1 when the audit's mass-change verdict is `suspect`, else 0. */
  massChangeSuspect: 'MassChangeSuspect',
  /** 1 when no complete snapshot arrived within the site's window, else 0 (freshness check). */
  snapshotOverdue: 'SnapshotOverdue',
  /** Hours since the newest complete snapshot was scheduled (freshness check). */
  snapshotAgeHours: 'SnapshotAgeHours',
} as const;

/** The names Step Functions sees; the stack's Retry and Catch use these. */
export const errorNames = {
  /** The site or the store may answer on a later attempt: retried with back-off. */
  transient: 'RollcallTransientError',
  /**
   * Another execution holds the run's lease (it is writing the same run): retried after the
   * lease's lifetime, when that execution has finished and the run is complete (a no-op then).
   */
  runBusy: 'RollcallRunBusy',
  /** The site refused or answered nonsense (auth, disabled API, protocol, a bug): not retried. */
  siteFailed: 'RollcallSiteFailed',
  /** The run could not be audited (missing, refused as incomplete or tampered, or failed). */
  auditFailed: 'RollcallAuditFailed',
  /** The function's environment or the site's credentials format is wrong: not retried. */
  config: 'RollcallConfigError',
  /** The event is not what the state machine sends (a missing field, another site): not retried. */
  badEvent: 'RollcallBadEvent',
} as const;
