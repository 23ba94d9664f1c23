import type { HttpResponse } from '../../shared/http/client.ts';
import type { PeriscopeV2Api } from './api.ts';
import { apiDisabled, failedRequest, unexpectedStatus } from './site-errors.ts';

/** GETs one page of a listing route; anything but a 200 becomes the SiteError it means. */
export async function requestListingPage(
  api: PeriscopeV2Api,
  path: string,
  cursor: string | null,
): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await api.get(path, cursor);
  } catch (error) {
    throw failedRequest(api, error);
  }
  // The documented answer of a site without the feature, and of a base URL that is not the API.
  if (response.status === 404) throw apiDisabled(api, path);
  if (response.status !== 200) throw unexpectedStatus(api, response.status, `GET ${path}`);
  return response;
}

/**
 * `next_page_start` read straight from an unvalidated body, so the next request can start before
 * this page is validated. Only a hint: the validated page decides whether paging goes on.
 * Dashboard cursors are integers, user cursors strings; both travel as text.
 */
export function peekCursor(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const next = (body as { next_page_start?: unknown }).next_page_start;
  if (typeof next === 'number' && Number.isSafeInteger(next)) return String(next);
  return typeof next === 'string' && next.length > 0 ? next : undefined;
}
