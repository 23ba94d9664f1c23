import { type Reply, reply } from '../../shared/http.ts';

const REASONS: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'required',
  403: 'forbidden',
  404: 'notFound',
  405: 'notFound',
  409: 'conflict',
  413: 'badRequest',
  429: 'rateLimitExceeded',
  500: 'backendError',
  502: 'backendError',
  503: 'backendError',
};

/** The Google Cloud Endpoints error envelope the v1 API answers with. */
export function apiError(
  status: number,
  message: string,
  headers?: Record<string, string>,
  reason = REASONS[status] ?? 'unknown',
): Reply {
  return reply(
    status,
    { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } },
    headers,
  );
}

/** The token endpoint is an OAuth 2.0 client-credentials exchange: RFC 6749 §5.2 errors. */
export function oauthError(
  status: number,
  error: string,
  description: string,
  headers?: Record<string, string>,
): Reply {
  return reply(status, { error, error_description: description }, headers);
}
