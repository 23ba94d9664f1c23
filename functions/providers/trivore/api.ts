import type { HttpClient, HttpResponse } from '../../shared/http/client.ts';
import type { Limiter } from './limiter.ts';

export interface TrivoreCredentials {
  /** The Management API client id (a 16-digit number in the vendor's samples), as a string. */
  readonly clientId: string;
  readonly clientSecret: string;
}

export const apiRoot = '/api/rest/v1';
export const usersPath = '/user';
export const groupsPath = '/group';

/** Authenticated GETs against one Trivore ID server's Management API. */
export interface TrivoreApi {
  /** The base URL's host, for messages. */
  readonly host: string;
  /** Names the server and client in messages: the client id is not a secret, the secret is. */
  readonly label: string;
  get(path: string, query: Readonly<Record<string, string>>): Promise<HttpResponse>;
  /** The same API whose requests are abandoned once `signal` aborts and wait for `limiter`. */
  scoped(signal: AbortSignal, limiter: Limiter): TrivoreApi;
}

export function basicToken(credentials: TrivoreCredentials): string {
  return Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString('base64');
}

/**
 * The API root for a site's base URL: the server's address, with or without a path prefix (a
 * proxy). A base URL pasted with the API path already on it is accepted as the same server.
 */
export function apiBase(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith(apiRoot) ? trimmed : `${trimmed}${apiRoot}`;
}

export function createTrivoreApi(
  baseUrl: string,
  credentials: TrivoreCredentials,
  http: HttpClient,
  scope?: { readonly signal: AbortSignal; readonly limiter: Limiter },
): TrivoreApi {
  const base = apiBase(baseUrl);
  const token = basicToken(credentials);
  const headers = { Authorization: `Basic ${token}`, Accept: 'application/json' };
  const host = new URL(base).host;
  const send = (url: URL): Promise<HttpResponse> =>
    http.send({ method: 'GET', url, headers, ...(scope === undefined ? {} : { signal: scope.signal }) });
  return {
    host,
    label: `Trivore ID at ${host} (client ${credentials.clientId})`,
    get(path, query) {
      const url = new URL(`${base}${path}`);
      url.search = new URLSearchParams(query).toString();
      return scope === undefined ? send(url) : scope.limiter.run(() => send(url));
    },
    scoped: (signal, limiter) => createTrivoreApi(baseUrl, credentials, http, { signal, limiter }),
  };
}
