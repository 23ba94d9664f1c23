import type { SiteError } from '../../shared/errors.ts';
import type { HttpResponse } from '../../shared/http/client.ts';
import type { PeriscopeV1Api } from './api.ts';
import { apiDisabled, failedRequest, type PeriscopeSite, unexpectedStatus } from './site-errors.ts';

/**
 * GETs one page of a listing route of either Periscope API; anything but a 200 becomes the
 * SiteError it means. `disabled` words the 404, which names the API the site lacks.
 */
export async function requestListingPage(
  api: Pick<PeriscopeV1Api, 'get'> & PeriscopeSite,
  path: string,
  cursor: string | null,
  disabled: (api: PeriscopeSite, route: string) => SiteError = apiDisabled,
): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await api.get(path, cursor);
  } catch (error) {
    throw failedRequest(api, error);
  }
  // The documented answer of a site without the feature, and of a base URL that is not the API.
  if (response.status === 404) throw disabled(api, path);
  if (response.status !== 200) throw unexpectedStatus(api, response.status, `GET ${path}`);
  return response;
}

/**
 * `next_page_start` read straight from an unvalidated body, so the next request can start before
 * this page is validated. Only a hint: the validated page decides whether paging goes on.
 * v2's dashboard cursors are integers, user cursors strings; both travel as text.
 */
export function peekCursor(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const next = (body as { next_page_start?: unknown }).next_page_start;
  if (typeof next === 'number' && Number.isSafeInteger(next)) return String(next);
  return typeof next === 'string' && next.length > 0 ? next : undefined;
}
