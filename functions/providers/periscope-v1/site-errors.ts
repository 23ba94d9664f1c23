import type { z } from 'zod';
import { SiteError } from '../../shared/errors.ts';
import { HttpError } from '../../shared/http/errors.ts';
import { formatIssuePath } from '../shared/issue-path.ts';
import { tooLargeAdvice } from '../shared/too-large.ts';

/** What the messages need of either Periscope API (v1 and v2 share them): the site and the host. */
export interface PeriscopeSite {
  readonly site: string;
  readonly host: string;
}

/**
 * Turns what went wrong on a request into the SiteError a person can act on. Messages name the
 * site and the host, never the key.
 */
export function failedRequest(api: PeriscopeSite, error: unknown): SiteError {
  if (!(error instanceof HttpError)) {
    return new SiteError('unreachable', `Periscope site "${api.site}": the request to ${api.host} failed`, {
      cause: error,
    });
  }
  switch (error.kind) {
    case 'network':
    case 'timeout':
      return new SiteError(
        'unreachable',
        `Periscope site "${api.site}": cannot reach ${api.host} (${error.message}). Check the base URL and the network.`,
        { cause: error },
      );
    case 'status':
      return new SiteError(
        'server',
        error.rateLimited
          ? `Periscope site "${api.site}": the API kept rate-limiting rollcall (${error.message}). Lower requestsPerSecond for this site or try later.`
          : `Periscope site "${api.site}": the API kept failing (${error.message}). Periscope may be having an outage; try later.`,
        { cause: error },
      );
    case 'body':
      return new SiteError(
        'protocol',
        `Periscope site "${api.site}": the API kept sending a body that is not valid JSON (${error.message}).`,
        { cause: error },
      );
    case 'too-large':
      return new SiteError('protocol', `Periscope site "${api.site}": ${tooLargeAdvice(error)}`, {
        cause: error,
      });
  }
}

/** A response whose status the caller did not expect on this route. */
export function unexpectedStatus(api: PeriscopeSite, status: number, what: string): SiteError {
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

/** A 404 on a listing route: the paid add-on is off for the site, or the base URL points elsewhere. */
export function apiDisabled(api: PeriscopeSite, route: string): SiteError {
  return new SiteError(
    'disabled',
    `Periscope site "${api.site}": the User and Group Management API is not enabled for this site (404 on GET ${route}), ` +
      `or the base URL (host ${api.host}) is wrong. The API is an add-on the site's Periscope account manager can enable.`,
  );
}

/**
 * A page that does not have the shape rollcall reads, named by listing and first issue; `shape`
 * says whether the vendor documents it (v1) or rollcall inferred it (v2).
 */
export function invalidPage(
  api: PeriscopeSite,
  what: string,
  error: z.ZodError,
  shape: 'documented' | 'expected' = 'documented',
): SiteError {
  const issue = error.issues[0];
  const where = issue === undefined ? '' : `${formatIssuePath(issue.path)}: `;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issues)` : '';
  return new SiteError(
    'protocol',
    `Periscope site "${api.site}": ${what} does not match the ${shape} shape: ${where}${issue?.message ?? 'invalid'}${more}.`,
    { cause: error },
  );
}
