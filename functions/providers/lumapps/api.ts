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

/** Authenticated GETs against one organisation's v1 API. */
export interface LumAppsApi extends SiteLabel {
  readonly organizationId: string;
  /**
   * GETs `apiRoot + route`. A 401 renews the token and sends the request once more; a second 401
   * throws an 'auth' SiteError. Any other status is the caller's to read; a request that failed
   * for good in the HTTP client throws the SiteError it means.
   */
  get(route: string, params: URLSearchParams): Promise<HttpResponse>;
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
  const send = async (url: URL, route: string, token: string): Promise<HttpResponse> => {
    try {
      return await http.send({
        method: 'GET',
        url,
        headers: {
          Authorization: `Bearer ${token}`,
          // The vendor's client names the organisation on every call.
          'LumApps-Organization-Id': credentials.organizationId,
          Accept: 'application/json',
        },
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      throw failedRequest(site, error, `GET ${route}`);
    }
  };
  return {
    ...site,
    organizationId: credentials.organizationId,
    async get(route, params) {
      const url = new URL(`${base}${apiRoot}${route}`);
      url.search = params.toString();
      const used = await tokens.token();
      const first = await send(url, route, used);
      if (first.status !== 401) return first;
      // Expired (or revoked): the vendor's SDK renews once and repeats the call, and so does this.
      const renewed = await tokens.renew(used);
      const second = await send(url, route, renewed);
      if (second.status === 401) {
        throw new SiteError(
          'auth',
          `${site.label}: the API refused a freshly issued token (401 on GET ${route}). The OAuth application may lack ` +
            'the scopes to read users and groups, or it was revoked in the LumApps back office.',
        );
      }
      // The renewal repeated the request: it counts as a retry.
      return { ...second, retries: first.retries + 1 + second.retries };
    },
    async authenticate() {
      await tokens.token();
    },
    withSignal: (stop) => bind(base, site, credentials, http, tokens, stop),
  };
}
