import type { HttpClient, HttpResponse } from '../../shared/http/client.ts';

export interface PeriscopeV1Credentials {
  /** The site name, as in dashboard URLs `app.periscopedata.com/app/<site>`. */
  readonly site: string;
  readonly apiKey: string;
}

/** The API's fixed page size: it has no page-size parameter. */
export const periscopePageSize = 100;

export const usersPath = '/api/v1/users';
export const groupsPath = '/api/v1/groups';
export const groupPath = (name: string): string => `${groupsPath}/${encodeURIComponent(name)}`;

export interface PeriscopeWrite {
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly json: unknown;
  readonly testMode: boolean;
  /** Sent as HTTP-X-EMAIL: the user a v1 user update is about. */
  readonly email?: string;
}

/** Authenticated requests against one site's v1 API. */
export interface PeriscopeV1Api {
  readonly site: string;
  /** The base URL's host, for messages ("cannot reach app.periscopedata.com"). */
  readonly host: string;
  get(path: string, cursor?: string | null): Promise<HttpResponse>;
  /**
   * One write. With `testMode` the URL carries `test_mode=true` — exactly that, lower case: the
   * server treats any other spelling as a real write. Retried like a read: a create the server
   * did apply before failing answers 409 on the retry, which the caller reads as "exists".
   */
  write(request: PeriscopeWrite): Promise<HttpResponse>;
  /** The same API whose requests are abandoned once `signal` aborts. */
  withSignal(signal: AbortSignal): PeriscopeV1Api;
}

export function createPeriscopeV1Api(
  baseUrl: string,
  credentials: PeriscopeV1Credentials,
  http: HttpClient,
  signal?: AbortSignal,
): PeriscopeV1Api {
  // A base URL may carry a path prefix (a proxy); keep it and append the API path.
  const base = baseUrl.replace(/\/+$/, '');
  const headers = {
    // Spelled as the vendor documents it; the value pairs the site with its own key.
    'HTTP-X-PARTNER-AUTH': `${credentials.site}:${credentials.apiKey}`,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
  return {
    site: credentials.site,
    host: new URL(base).host,
    get(path, cursor) {
      const url = new URL(`${base}${path}`);
      // URLSearchParams encodes `+` as %2B: a plus-address cursor survives the server's decoding.
      if (cursor != null) url.search = new URLSearchParams({ next_page_start: cursor }).toString();
      return http.send({ method: 'GET', url, headers, ...(signal === undefined ? {} : { signal }) });
    },
    write({ method, path, json, testMode, email }) {
      const url = new URL(`${base}${path}`);
      if (testMode) url.search = 'test_mode=true';
      return http.send({
        method,
        url,
        headers: email === undefined ? headers : { ...headers, 'HTTP-X-EMAIL': email },
        json,
        retry: true,
      });
    },
    withSignal: (stop) => createPeriscopeV1Api(baseUrl, credentials, http, stop),
  };
}
