import { SiteError } from '../../shared/errors.ts';
import { HttpError } from '../../shared/http/errors.ts';

/** The retries a request spent before it failed for good, for a listing's report. */
export function retriesSpent(error: unknown): number {
  return error instanceof SiteError && error.cause instanceof HttpError ? error.cause.attempts - 1 : 0;
}
