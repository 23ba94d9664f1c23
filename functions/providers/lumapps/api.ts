import { SiteError } from '../../shared/errors.ts';
import type { HttpClient, HttpResponse } from '../../shared/http/client.ts';
import type { LumAppsCredentials } from './credentials.ts';
import { failedRequest, type SiteLabel } from './site-errors.ts';
import { fetchApplicationToken, TokenSource } from './token.ts';

/** Where Cloud Endpoints serves the v1 API on every cell. */
export const apiRoot = '/_ah/api/lumsites/v1/';

/**
 * Records asked for per listing page. The largest `maxResults` is undocumented (a third-party
 * client clamps to 100); a full page is never taken to mean more follow: `more` decides.
 */
export const lumAppsPageSize = 100;

/** Authenticated requests against one organisation's v1 API: GETs for the export, POSTs for a restore. */
export interface LumAppsApi extends SiteLabel {
  readonly organizationId: string;
  /**
   * GETs `apiRoot + route`. A 401 renews the token and sends the request once more; a second 401
   * throws an 'auth' SiteError. Any other status is the caller's to read; a request that failed
   * for good in the HTTP client throws the SiteError it means.
   */
  get(route: string, params: URLSearchParams): Promise<HttpResponse>;
  /**
   * POSTs `body` as JSON to `apiRoot + route` (a restore's writes), with the same token handling
   * as `get`: a 401 was not applied, so it renews the token and sends once more. 429/5xx and
   * network failures are retried only with `retry: true`, for writes that are safe to repeat;
   * otherwise the HTTP client's error (an HttpError) is thrown as is, for the caller to judge.
   */
  post(route: string, body: unknown, options?: { readonly retry?: boolean }): Promise<HttpResponse>;
  /** Fetches a token now: the first step of every export, and all `verify` needs besides one call. */
  authenticate(): Promise<void>;
  /** The same API (and token) whose requests are abandoned once `signal` aborts. */
  withSignal(signal: AbortSignal): LumAppsApi;
}

export function createLumAppsApi(
  baseUrl: string,
  credentials: LumAppsCredentials,
  http: HttpClient,
): LumAppsApi {
  // A base URL may carry a path prefix (a proxy); keep it and append the API path.
  const base = baseUrl.replace(/\/+$/, '');
  const site: SiteLabel = {
    label: `LumApps organization "${credentials.organizationId}"`,
    host: new URL(base).host,
  };
  const tokens = new TokenSource(() => fetchApplicationToken(base, site, credentials, http));
  return bind(base, site, credentials, http, tokens, undefined);
}

function bind(
  base: string,
  site: SiteLabel,
  credentials: LumAppsCredentials,
  http: HttpClient,
  tokens: TokenSource,
  signal: AbortSignal | undefined,
): LumAppsApi {
  const send = async (
    url: URL,
    route: string,
    token: string,
    write?: { readonly json: unknown; readonly retry: boolean },
  ): Promise<HttpResponse> => {
    try {
      return await http.send({
        method: write === undefined ? 'GET' : 'POST',
        url,
        headers: {
          Authorization: `Bearer ${token}`,
          // The vendor's client names the organisation on every call.
          'LumApps-Organization-Id': credentials.organizationId,
          Accept: 'application/json',
        },
        ...(write === undefined ? {} : { json: write.json, retry: write.retry }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      // A write's failure is the writer's to judge: it may have been applied.
      if (write !== undefined) throw error;
      throw failedRequest(site, error, `GET ${route}`);
    }
  };
  /** Sends once, and once more with a renewed token when the first is refused with a 401. */
  const authorised = async (
    method: 'GET' | 'POST',
    route: string,
    attempt: (token: string) => Promise<HttpResponse>,
  ): Promise<HttpResponse> => {
    const used = await tokens.token();
    const first = await attempt(used);
    if (first.status !== 401) return first;
    // Expired (or revoked): the vendor's SDK renews once and repeats the call, and so does this.
    const renewed = await tokens.renew(used);
    const second = await attempt(renewed);
    if (second.status === 401) {
      const needs = method === 'GET' ? 'to read users and groups' : 'to change users and groups';
      throw new SiteError(
        'auth',
        `${site.label}: the API refused a freshly issued token (401 on ${method} ${route}). The OAuth application may lack ` +
          `the scopes ${needs}, or it was revoked in the LumApps back office.`,
      );
    }
    // The renewal repeated the request: it counts as a retry.
    return { ...second, retries: first.retries + 1 + second.retries };
  };
  return {
    ...site,
    organizationId: credentials.organizationId,
    get(route, params) {
      const url = new URL(`${base}${apiRoot}${route}`);
      url.search = params.toString();
      return authorised('GET', route, (token) => send(url, route, token));
    },
    post(route, body, options) {
      const url = new URL(`${base}${apiRoot}${route}`);
      const write = { json: body, retry: options?.retry ?? false };
      return authorised('POST', route, (token) => send(url, route, token, write));
    },
    async authenticate() {
      await tokens.token();
    },
    withSignal: (stop) => bind(base, site, credentials, http, tokens, stop),
  };
}
