import type { z } from 'zod';
import { SiteError } from '../../shared/errors.ts';
import { HttpError } from '../../shared/http/errors.ts';
import type { PeriscopeV2Api } from './api.ts';

/**
 * Turns what went wrong on a request into the SiteError a person can act on. Messages name the
 * site and the host, never the key.
 */
export function failedRequest(api: PeriscopeV2Api, error: unknown): SiteError {
  const site = `Periscope site "${api.site}"`;
  if (!(error instanceof HttpError)) {
    return new SiteError('unreachable', `${site}: the request to ${api.host} failed`, { cause: error });
  }
  switch (error.kind) {
    case 'network':
    case 'timeout':
      return new SiteError(
        'unreachable',
        `${site}: cannot reach ${api.host} (${error.message}). Check the base URL and the network.`,
        { cause: error },
      );
    case 'status':
      return new SiteError(
        'server',
        error.status === 429
          ? `${site}: the API kept rate-limiting rollcall (${error.message}). Lower requestsPerSecond for this site or try later.`
          : `${site}: the API kept failing (${error.message}). Periscope may be having an outage; try later.`,
        { cause: error },
      );
    case 'body':
      return new SiteError(
        'protocol',
        `${site}: the API kept sending a body that is not valid JSON (${error.message}).`,
        { cause: error },
      );
  }
}

/** A response whose status the caller did not expect on this route. */
export function unexpectedStatus(api: PeriscopeV2Api, status: number, what: string): SiteError {
  if (status === 401 || status === 403) {
    return new SiteError(
      'auth',
      `Periscope site "${api.site}": the API rejected the key (${status}). Check the site name and API key in the site's credentials: ` +
        'each key belongs to one site, and a key rotated by Periscope support must be replaced there too.',
    );
  }
  if (status >= 300 && status < 400) {
    return new SiteError(
      'protocol',
      `Periscope site "${api.site}": ${what} was redirected (${status}); set the site's baseUrl to the address the API really answers on.`,
    );
  }
  return new SiteError(
    'protocol',
    `Periscope site "${api.site}": ${what} answered with an unexpected HTTP ${status}.`,
  );
}

/** A 404 on a listing route: the paid feature is off, the site has no RBAC, or the base URL points elsewhere. */
export function apiDisabled(api: PeriscopeV2Api, route: string): SiteError {
  return new SiteError(
    'disabled',
    `Periscope site "${api.site}": the Users and Roles API for RBAC is not enabled for this site (404 on GET ${route}), ` +
      `or the base URL (host ${api.host}) is wrong. The API is a paid feature for sites with RBAC; ` +
      'sites without RBAC use the provider periscope-v1.',
  );
}

/** A page that does not have the expected shape, named by listing and first issue. */
export function invalidPage(api: PeriscopeV2Api, what: string, error: z.ZodError): SiteError {
  const issue = error.issues[0];
  const where = issue === undefined ? '' : `${formatPath(issue.path)}: `;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issues)` : '';
  return new SiteError(
    'protocol',
    `Periscope site "${api.site}": ${what} does not match the expected shape: ${where}${issue?.message ?? 'invalid'}${more}.`,
    { cause: error },
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the body';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Retries spent on a request that failed for good, so the listing report counts them too. */
export function retriesSpent(error: unknown): number {
  return error instanceof SiteError && error.cause instanceof HttpError ? error.cause.attempts - 1 : 0;
}
