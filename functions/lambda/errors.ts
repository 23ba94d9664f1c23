/**
 * Errors thrown out of the Lambda handlers. Step Functions matches a Task's Retry and Catch on the
 * error's `name` (the Lambda runtime reports it as `errorType`), so each name is set explicitly and
 * survives minification. Messages are rollcall's own (they never contain a secret); the original
 * error is kept as `cause` for the logs, and the runtime never serialises it.
 */
import { isTransientFailure, type SiteFailure } from '../export/site-failure.ts';
import { errorNames } from './contract.ts';

export class RollcallTransientError extends Error {
  override readonly name = errorNames.transient;
  constructor(
    readonly failure: SiteFailure['failure'],
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Another execution is writing the same run (it holds the run's lease). */
export class RollcallRunBusy extends Error {
  override readonly name = errorNames.runBusy;
  readonly failure = 'busy';
}

export class RollcallSiteFailed extends Error {
  override readonly name = errorNames.siteFailed;
  constructor(
    readonly failure: SiteFailure['failure'],
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class RollcallAuditFailed extends Error {
  override readonly name = errorNames.auditFailed;
  constructor(
    readonly outcome: 'missing' | 'refused' | 'failed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class RollcallConfigError extends Error {
  override readonly name = errorNames.config;
}

export class RollcallBadEvent extends Error {
  override readonly name = errorNames.badEvent;
}

/**
 * The error a failed site export is thrown as: transient kinds are retried, a busy run later,
 * the others are not.
 */
export function siteFailedError(
  failure: SiteFailure,
): RollcallTransientError | RollcallRunBusy | RollcallSiteFailed {
  const options = failure.error === undefined ? undefined : { cause: failure.error };
  if (failure.failure === 'busy') return new RollcallRunBusy(failure.reason, options);
  return isTransientFailure(failure.failure)
    ? new RollcallTransientError(failure.failure, failure.reason, options)
    : new RollcallSiteFailed(failure.failure, failure.reason, options);
}

export type HandlerError =
  | RollcallTransientError
  | RollcallRunBusy
  | RollcallSiteFailed
  | RollcallAuditFailed
  | RollcallConfigError
  | RollcallBadEvent;

/** The handler's own errors, thrown as they are. */
export function isHandlerError(error: unknown): error is HandlerError {
  return (
    error instanceof RollcallTransientError ||
    error instanceof RollcallRunBusy ||
    error instanceof RollcallSiteFailed ||
    error instanceof RollcallAuditFailed ||
    error instanceof RollcallConfigError ||
    error instanceof RollcallBadEvent
  );
}
