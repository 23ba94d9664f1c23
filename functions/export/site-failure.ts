import { RollcallError, SiteError, type SiteFailureKind } from '../shared/errors.ts';

export interface SiteFailure {
  readonly status: 'failed';
  readonly failure: SiteFailureKind | 'internal';
  /** For people; rollcall's own errors already name the site and what to check. */
  readonly reason: string;
  /** The original error, for `--debug`; never serialised. */
  readonly error?: unknown;
}

/** How a site's failure is reported: rollcall's own errors as they are, anything else as unexpected. */
export function siteFailure(siteId: string, error: unknown): SiteFailure {
  return {
    status: 'failed',
    failure: error instanceof SiteError ? error.kind : 'internal',
    reason:
      error instanceof RollcallError
        ? error.message
        : `site ${siteId}: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    error,
  };
}

/** Failure kinds a later attempt may not hit again: the site or the store was unreachable or overloaded. */
export const transientFailureKinds: readonly SiteFailure['failure'][] = [
  'unreachable',
  'server',
  'store',
  'credentials',
];

export function isTransientFailure(kind: SiteFailure['failure']): boolean {
  return transientFailureKinds.includes(kind);
}
