import type { EmulatorRequest } from '../../shared/fault-server.ts';
import { type Reply, reply } from '../../shared/http.ts';
import { type SiteStore, statusOf } from '../store.ts';
import type { TokenRegistry } from '../tokens.ts';
import { oauthError } from './errors.ts';

export interface TokenSettings {
  readonly organizationId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly store: SiteStore;
  readonly tokens: TokenRegistry;
}

/** The Basic credentials of the request, or undefined when the header is missing or malformed. */
function basicCredentials(request: EmulatorRequest): { id: string; secret: string } | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

const badClient = (description: string): Reply =>
  oauthError(401, 'invalid_client', description, { 'WWW-Authenticate': 'Basic realm="lumapps"' });

/**
 * POST /v2/organizations/{organizationId}/application-token: client credentials in HTTP Basic,
 * a form body naming the user to act as. The client belongs to one organisation; the user must
 * be an enabled administrator of it.
 */
export function applicationToken(
  request: EmulatorRequest,
  organizationId: string,
  settings: TokenSettings,
): Reply {
  if (request.method !== 'POST') return oauthError(405, 'invalid_request', 'Use POST.', { Allow: 'POST' });
  const client = basicCredentials(request);
  if (client === undefined) return badClient('Client authentication (HTTP Basic) is required.');
  if (client.id !== settings.clientId || client.secret !== settings.clientSecret) {
    return badClient('Unknown client or wrong client secret.');
  }
  if (organizationId !== settings.organizationId) {
    return badClient('The client does not belong to this organization.');
  }
  const form = new URLSearchParams(request.body.text);
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials.');
  }
  const email = form.get('user_email') ?? '';
  if (email === '') return oauthError(400, 'invalid_request', 'user_email is required.');
  const user = settings.store.findUserByEmail(email);
  if (user === undefined || !user.isSuperAdmin || statusOf(user) !== 'enabled') {
    return oauthError(403, 'access_denied', 'The user is not an enabled administrator of this organization.');
  }
  const token = settings.tokens.issue(user.email);
  return reply(200, { access_token: token.accessToken, expires_in: token.expiresIn });
}
