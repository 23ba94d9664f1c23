import type { HttpError } from '../../shared/http/errors.ts';

/** What to say about a response over the size cap, whichever provider sent it. */
export function tooLargeAdvice(error: HttpError): string {
  return `${error.message}. rollcall stopped reading it; if the API really sends pages this large, raise http.maxResponseBytes for this site.`;
}
