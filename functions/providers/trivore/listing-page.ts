import type { z } from 'zod';
import type { HttpResponse } from '../../shared/http/client.ts';
import type { TrivoreApi } from './api.ts';
import type { OffsetPage } from './offset-pass.ts';
import { failedRequest, invalidPage, unexpectedResponse } from './site-errors.ts';

/**
 * Whether a listing still asks for `sortBy=id`. Stable id order is what makes offsets mean the
 * same thing from one request to the next; Trivore documents `sortBy` on several lists but not
 * clearly on /user and /group, so a server that refuses it (400) is asked again without it, and
 * the listing says so in a warning.
 */
export interface SortPreference {
  byId: boolean;
  refused?: string;
}

/** A page as validated: what the connector reads of it. */
export interface ParsedPage<R> {
  readonly totalResults: number;
  readonly startIndex?: number | undefined;
  readonly resources: readonly R[];
}

export interface PageRequest<R, T> {
  readonly api: TrivoreApi;
  readonly path: string;
  /** `users`, `groups`: for messages. */
  readonly listing: string;
  readonly schema: z.ZodType<ParsedPage<R>>;
  readonly pageSize: number;
  readonly sort: SortPreference;
  map(record: R, raw: unknown): T;
}

async function send<R, T>(request: PageRequest<R, T>, start: number): Promise<HttpResponse> {
  const { api, path, pageSize, sort } = request;
  const query = {
    startIndex: String(start),
    count: String(pageSize),
    ...(sort.byId ? { sortBy: 'id' } : {}),
  };
  try {
    return await api.get(path, query);
  } catch (error) {
    throw failedRequest(api, error);
  }
}

/** `Resources` instead of `resources`: a SCIM server, or a SCIM-minded proxy, not Trivore's API. */
function shapeHint(body: unknown): string {
  const scim = typeof body === 'object' && body !== null && 'Resources' in body && !('resources' in body);
  return scim ? ' The body has SCIM-style "Resources": this is not the Trivore ID Management API.' : '';
}

/** GETs one page at `start`, validates it and maps its records; throws a SiteError. */
export async function fetchOffsetPage<R, T>(
  request: PageRequest<R, T>,
  start: number,
): Promise<OffsetPage<T>> {
  const { api, path, listing, sort } = request;
  const route = `GET /api/rest/v1${path}`;
  let response = await send(request, start);
  if (response.status === 400 && sort.byId) {
    const refusal = unexpectedResponse(api, response, `${route}?sortBy=id`).message;
    sort.byId = false;
    sort.refused = refusal;
    response = await send(request, start);
  }
  if (response.status !== 200) throw unexpectedResponse(api, response, route);
  const parsed = request.schema.safeParse(response.body);
  if (!parsed.success) {
    throw invalidPage(
      api,
      `the ${listing} page at startIndex ${start}`,
      parsed.error,
      shapeHint(response.body),
    );
  }
  // `raw` is each record exactly as sent: the parsed copy may differ (normalised timestamps).
  const raws = (response.body as { resources: unknown[] }).resources;
  return {
    start,
    echoedStart: parsed.data.startIndex,
    total: parsed.data.totalResults,
    records: parsed.data.resources.map((record, index) => request.map(record, raws[index])),
    retries: response.retries,
  };
}
