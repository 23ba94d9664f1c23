import type { z } from 'zod';
import { SiteError } from '../../shared/errors.ts';
import type { HttpResponse } from '../../shared/http/client.ts';
import { HttpError } from '../../shared/http/errors.ts';
import { formatIssuePath } from '../shared/issue-path.ts';
import { tooLargeAdvice } from '../shared/too-large.ts';
import type { TrivoreApi } from './api.ts';
import { errorBodySchema } from './schemas.ts';

/**
 * Turns what went wrong on a request into the SiteError a person can act on. Messages name the
 * server and the client id, never the secret.
 */
export function failedRequest(api: TrivoreApi, error: unknown): SiteError {
  if (!(error instanceof HttpError)) {
    return new SiteError('unreachable', `${api.label}: the request failed`, { cause: error });
  }
  switch (error.kind) {
    case 'network':
    case 'timeout':
      return new SiteError(
        'unreachable',
        `${api.label}: cannot reach ${api.host} (${error.message}). Check the base URL and the network.`,
        { cause: error },
      );
    case 'status':
      return new SiteError(
        'server',
        error.rateLimited
          ? `${api.label}: the API kept rate-limiting rollcall (${error.message}). Lower requestsPerSecond or concurrency for this site, or try later.`
          : `${api.label}: the API kept failing (${error.message}). The server may be having an outage; try later.`,
        { cause: error },
      );
    case 'body':
      return new SiteError(
        'protocol',
        `${api.label}: the API kept sending a body that is not valid JSON (${error.message}).`,
        { cause: error },
      );
    case 'too-large':
      return new SiteError('protocol', `${api.label}: ${tooLargeAdvice(error)}`, { cause: error });
  }
}

/** The server's own `errorMessage` (secrets already scrubbed by the HTTP client), cut to a readable length. */
function serverMessage(body: unknown): string | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const text = parsed.data.errorMessage.trim();
  if (text === '') return undefined;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The permission a 403 names: `Client does not have required permission ACCOUNT_VIEW.` */
export function missingPermissionOf(message: string | undefined): string | undefined {
  return message === undefined ? undefined : /permission\s+([A-Z][A-Z0-9_]*)/.exec(message)?.[1];
}

/** A non-200 answer on `route` (`GET /api/rest/v1/user`), with the server's errorMessage in it. */
export function unexpectedResponse(api: TrivoreApi, response: HttpResponse, route: string): SiteError {
  const { status } = response;
  const said = serverMessage(response.body);
  const quoted = said === undefined ? `HTTP ${status}` : `HTTP ${status}: "${said}"`;
  if (status === 401) {
    return new SiteError(
      'auth',
      `${api.label}: the API rejected the Management API client id and secret (${quoted}). ` +
        "Check clientId and clientSecret in the site's credentials; a secret regenerated in Trivore ID must be replaced there too.",
    );
  }
  if (status === 403) {
    const permission = missingPermissionOf(said);
    return new SiteError(
      'auth',
      permission === undefined
        ? `${api.label}: the Management API client may not use ${route} (${quoted}). Check the client's permissions and allowed namespaces in Trivore ID.`
        : `${api.label}: the Management API client lacks the permission ${permission} (${quoted}). Grant ${permission} to the client in Trivore ID, then run again.`,
    );
  }
  if (status >= 300 && status < 400) {
    return new SiteError(
      'protocol',
      `${api.label}: ${route} was redirected (${status}); set the site's baseUrl to the address the API really answers on.`,
    );
  }
  if (status === 404) {
    return new SiteError(
      'protocol',
      `${api.label}: ${route} does not exist (${quoted}). The base URL should be the Trivore ID server's address, such as https://fi.trivoreid.com.`,
    );
  }
  return new SiteError('protocol', `${api.label}: ${route} answered with an unexpected ${quoted}.`);
}

/** A page that does not have the documented shape, named by listing and first issue. */
export function invalidPage(api: TrivoreApi, what: string, error: z.ZodError, hint = ''): SiteError {
  const issue = error.issues[0];
  const where = issue === undefined ? '' : `${formatIssuePath(issue.path)}: `;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issues)` : '';
  return new SiteError(
    'protocol',
    `${api.label}: ${what} does not match the documented shape: ${where}${issue?.message ?? 'invalid'}${more}.${hint}`,
    { cause: error },
  );
}
