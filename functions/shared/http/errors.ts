import { RollcallError } from '../errors.ts';

/**
 * Why a request failed for good:
 * - `network`: the connection failed (refused, reset, DNS) on every attempt;
 * - `timeout`: no complete answer within the per-attempt time limit;
 * - `status`: the server kept answering 429/5xx (or a POST got one and was not retried);
 * - `body`: the body was not the JSON it claims to be (truncated, or not JSON at all);
 * - `too-large`: the body was longer than the client's `maxResponseBytes` (not retried).
 */
export type HttpErrorKind = 'network' | 'timeout' | 'status' | 'body' | 'too-large';

export interface HttpErrorDetails {
  readonly method: string;
  /** The URL path only: query strings carry cursors (emails) and must not end up in logs. */
  readonly path: string;
  readonly attempts: number;
  /** The last HTTP status received, when the server answered at all. */
  readonly status?: number;
  /** The system error code of a network failure, e.g. `ECONNREFUSED`. */
  readonly code?: string;
  /** The last answer was a rate limit (429, or the provider's own signal). */
  readonly rateLimited?: boolean;
}

/** A request that failed after the client's retries. Its message and cause never hold a secret. */
export class HttpError extends RollcallError {
  override readonly name = 'HttpError';
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly rateLimited: boolean;

  constructor(
    readonly kind: HttpErrorKind,
    message: string,
    details: HttpErrorDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
    this.status = details.status;
    this.code = details.code;
    this.rateLimited = details.rateLimited === true;
  }
}
