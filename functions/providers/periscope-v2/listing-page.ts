import type { HttpResponse } from '../../shared/http/client.ts';
import { requestListingPage as requestPeriscopePage } from '../periscope-v1/listing-page.ts';
import type { PeriscopeV2Api } from './api.ts';
import { apiDisabled } from './site-errors.ts';

export { peekCursor } from '../periscope-v1/listing-page.ts';

/** v1's page request, with v2's answer to a 404 (the RBAC API is a separate feature). */
export function requestListingPage(
  api: PeriscopeV2Api,
  path: string,
  cursor: string | null,
): Promise<HttpResponse> {
  return requestPeriscopePage(api, path, cursor, apiDisabled);
}
