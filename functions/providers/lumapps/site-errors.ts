import type { z } from 'zod';
import { SiteError } from '../../shared/errors.ts';
import { HttpError } from '../../shared/http/errors.ts';
import { formatIssuePath } from '../shared/issue-path.ts';
import { tooLargeAdvice } from '../shared/too-large.ts';

/** Who a message is about: the organisation and the cell it lives on. Never a secret. */
export interface SiteLabel {
  /** `LumApps organization "4664706704080896"`. */
  readonly label: string;
  /** The base URL's host, e.g. go-cell-001.api.lumapps.com. */
  readonly host: string;
}

/** A request that failed for good in the HTTP client (network, timeouts, 429/5xx, unreadable bodies). */
export function failedRequest(site: SiteLabel, error: unknown, what: string): SiteError {
  if (!(error instanceof HttpError)) {
    return new SiteError('unreachable', `${site.label}: ${what} to ${site.host} failed`, { cause: error });
  }
  switch (error.kind) {
    case 'network':
    case 'timeout':
      return new SiteError(
        'unreachable',
        `${site.label}: cannot reach ${site.host} (${error.message}). Check the site's baseUrl (the organization's cell, e.g. https://go-cell-001.api.lumapps.com) and the network.`,
        { cause: error },
      );
    case 'status':
      return new SiteError(
        'server',
        error.rateLimited
          ? `${site.label}: the API kept rate-limiting rollcall (${error.message}). Lower requestsPerSecond for this site or try later.`
          : `${site.label}: the API kept failing (${error.message}). LumApps may be having an outage; try later.`,
        { cause: error },
      );
    case 'body':
      return new SiteError(
        'protocol',
        `${site.label}: the API kept sending a body that is not valid JSON (${error.message}).`,
        { cause: error },
      );
    case 'too-large':
      return new SiteError('protocol', `${site.label}: ${tooLargeAdvice(error)}`, { cause: error });
  }
}

/**
 * The same failure without the parse error behind it: a JSON parser quotes the text it choked on,
 * and on the token endpoint that text is the bearer token.
 */
export function withoutBodyCause(error: unknown): unknown {
  if (!(error instanceof HttpError) || error.kind !== 'body') return error;
  return new HttpError(error.kind, error.message, {
    method: error.method,
    path: error.path,
    attempts: error.attempts,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.code === undefined ? {} : { code: error.code }),
  });
}

/** The `message` of a Google-style error envelope, cut short; undefined when there is none. */
export function envelopeMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  const message =
    typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** A response whose status the caller did not expect on this route. */
export function unexpectedStatus(site: SiteLabel, status: number, body: unknown, what: string): SiteError {
  const detail = envelopeMessage(body);
  const said = detail === undefined ? '' : `: "${detail}"`;
  if (status === 403) {
    return new SiteError(
      'auth',
      `${site.label}: the API refused ${what} (403${said}). The user named in userEmail must be a LumApps administrator ` +
        'of the organization, and the OAuth application needs read access to users and groups.',
    );
  }
  if (status === 404) {
    return new SiteError(
      'disabled',
      `${site.label}: ${what} was not found on ${site.host} (404${said}). Set the site's baseUrl to the organization's cell, ` +
        'e.g. https://go-cell-001.api.lumapps.com.',
    );
  }
  if (status >= 300 && status < 400) {
    return new SiteError(
      'protocol',
      `${site.label}: ${what} was redirected (${status}); set the site's baseUrl to the address the API really answers on.`,
    );
  }
  return new SiteError(
    'protocol',
    `${site.label}: ${what} answered with an unexpected HTTP ${status}${said}.`,
  );
}

/** A body that does not have the documented shape, named by what it is and its first issue. */
export function invalidBody(site: SiteLabel, what: string, error: z.ZodError): SiteError {
  const issue = error.issues[0];
  const where = issue === undefined ? '' : `${formatIssuePath(issue.path)}: `;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issues)` : '';
  // Issue messages describe the rule, never the value: a record's content stays out of logs.
  return new SiteError(
    'protocol',
    `${site.label}: ${what} does not match the documented shape: ${where}${issue?.message ?? 'invalid'}${more}.`,
  );
}
