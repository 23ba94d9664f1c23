import type { z } from 'zod';
import { SiteError } from '../../shared/errors.ts';
import { invalidPage as invalidPeriscopePage, type PeriscopeSite } from '../periscope-v1/site-errors.ts';

/** The same messages as v1 (one vendor, one host, one key), except where the API itself differs. */
export { failedRequest, unexpectedStatus } from '../periscope-v1/site-errors.ts';

/** A 404 on a listing route: the paid feature is off, the site has no RBAC, or the base URL points elsewhere. */
export function apiDisabled(api: PeriscopeSite, route: string): SiteError {
  return new SiteError(
    'disabled',
    `Periscope site "${api.site}": the Users and Roles API for RBAC is not enabled for this site (404 on GET ${route}), ` +
      `or the base URL (host ${api.host}) is wrong. The API is a paid feature for sites with RBAC; ` +
      'sites without RBAC use the provider periscope-v1.',
  );
}

/** v2's shapes are inferred from the vendor's examples, not documented: messages say "expected". */
export function invalidPage(api: PeriscopeSite, what: string, error: z.ZodError): SiteError {
  return invalidPeriscopePage(api, what, error, 'expected');
}
