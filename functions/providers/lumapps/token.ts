import { SiteError } from '../../shared/errors.ts';
import type { HttpClient, HttpResponse } from '../../shared/http/client.ts';
import type { LumAppsCredentials } from './credentials.ts';
import { tokenResponseSchema } from './schemas.ts';
import {
  envelopeMessage,
  failedRequest,
  invalidBody,
  type SiteLabel,
  withoutBodyCause,
} from './site-errors.ts';

export const tokenPath = (organizationId: string): string =>
  `/v2/organizations/${encodeURIComponent(organizationId)}/application-token`;

/** `Basic base64(client_id:client_secret)`, as the vendor's SDK sends it (no form-encoding first). */
export function basicAuthorization(
  credentials: Pick<LumAppsCredentials, 'clientId' | 'clientSecret'>,
): string {
  return `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString('base64')}`;
}

/** The OAuth error code of an RFC 6749 error body (`invalid_client`…), when it has one. */
function oauthCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as { error?: unknown }).error;
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : undefined;
}

function refused(site: SiteLabel, credentials: LumAppsCredentials, response: HttpResponse): SiteError {
  const code = oauthCode(response.body) ?? envelopeMessage(response.body);
  const said = code === undefined ? '' : `, "${code}"`;
  const status = `${response.status}${said}`;
  switch (response.status) {
    case 400:
    case 401:
      return new SiteError(
        'auth',
        `${site.label}: the token endpoint rejected the OAuth client (${status}). Check clientId, clientSecret and ` +
          "organizationId in the site's credentials: the application is created in the LumApps back office, belongs to one " +
          'organization, and a regenerated secret must be replaced there too.',
      );
    case 403:
      return new SiteError(
        'auth',
        `${site.label}: the token endpoint would not issue a token for the user in userEmail (${status}). ` +
          `It must be an enabled administrator of the organization (userEmail is "${credentials.userEmail}").`,
      );
    case 404:
      return new SiteError(
        'auth',
        `${site.label}: the token endpoint was not found on ${site.host} (404). Check organizationId and the site's baseUrl ` +
          "(the organization's cell, e.g. https://go-cell-001.api.lumapps.com).",
      );
    default:
      return new SiteError(
        'protocol',
        `${site.label}: the token endpoint answered with an unexpected HTTP ${status}.`,
      );
  }
}

/**
 * Exchanges the OAuth client's credentials for a bearer token acting as `userEmail`. The
 * exchange is safe to repeat (each call just issues another token), so 429/5xx are retried.
 */
export async function fetchApplicationToken(
  base: string,
  site: SiteLabel,
  credentials: LumAppsCredentials,
  http: HttpClient,
  signal?: AbortSignal,
): Promise<string> {
  let response: HttpResponse;
  try {
    response = await http.send({
      method: 'POST',
      url: `${base}${tokenPath(credentials.organizationId)}`,
      headers: {
        Authorization: basicAuthorization(credentials),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        user_email: credentials.userEmail,
      }).toString(),
      retry: true,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    throw failedRequest(site, withoutBodyCause(error), 'the token request');
  }
  if (response.status !== 200) throw refused(site, credentials, response);
  const parsed = tokenResponseSchema.safeParse(response.body);
  if (!parsed.success) throw invalidBody(site, 'the token response', parsed.error);
  return parsed.data.access_token;
}

/**
 * The bearer token every request shares. Renewed only when the API refuses it (401), once however
 * many requests in flight saw the refusal: there is no clock in the core to expire it by, and a
 * 401 an hour costs one request.
 */
export class TokenSource {
  private current: Promise<string> | undefined;

  constructor(private readonly fetchToken: () => Promise<string>) {}

  token(): Promise<string> {
    this.current ??= this.fetch();
    return this.current;
  }

  /** A token other than `rejected`: the one another request already renewed, or a new one. */
  async renew(rejected: string): Promise<string> {
    const pending = this.current;
    if (pending !== undefined) {
      const value = await pending.then(
        (token) => token,
        () => undefined,
      );
      if (this.current !== pending) return this.token();
      if (value !== undefined && value !== rejected) return value;
    }
    this.current = this.fetch();
    return this.current;
  }

  private fetch(): Promise<string> {
    const pending = this.fetchToken();
    // A failed exchange is not kept: the next request asks again.
    pending.catch(() => {
      if (this.current === pending) this.current = undefined;
    });
    return pending;
  }
}
