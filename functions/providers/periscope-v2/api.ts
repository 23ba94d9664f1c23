import type { HttpClient, HttpResponse } from '../../shared/http/client.ts';

export interface PeriscopeV2Credentials {
  /** The site name, as in dashboard URLs `app.periscopedata.com/app/<site>`. */
  readonly site: string;
  readonly apiKey: string;
}

/** The page size v1 documents; v2 presumably shares it (the vendor's v2 page is not retrievable). */
export const periscopePageSize = 100;

// The vendor splits the API: users under /api/v2, roles and dashboards under /api/v1.
export const usersPath = '/api/v2/users';
export const rolesPath = '/api/v1/roles';
export const dashboardsPath = '/api/v1/dashboards';

/** Authenticated GETs against one site's Users and Roles API. */
export interface PeriscopeV2Api {
  readonly site: string;
  /** The base URL's host, for messages ("cannot reach app.periscopedata.com"). */
  readonly host: string;
  get(path: string, cursor?: string | null): Promise<HttpResponse>;
  /** The same API whose requests are abandoned once `signal` aborts. */
  withSignal(signal: AbortSignal): PeriscopeV2Api;
}

export function createPeriscopeV2Api(
  baseUrl: string,
  credentials: PeriscopeV2Credentials,
  http: HttpClient,
  signal?: AbortSignal,
): PeriscopeV2Api {
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
      // URLSearchParams encodes the opaque cursor, so `+`, `&` or `/` in it survive the server's decoding.
      if (cursor != null) url.search = new URLSearchParams({ next_page_start: cursor }).toString();
      return http.send({ method: 'GET', url, headers, ...(signal === undefined ? {} : { signal }) });
    },
    withSignal: (stop) => createPeriscopeV2Api(baseUrl, credentials, http, stop),
  };
}
