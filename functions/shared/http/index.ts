export type { HttpClient, HttpRequest, HttpResponse } from './client.ts';
export { createHttpClient, type HttpClientOptions, httpClientDefaults } from './create-http-client.ts';
export { HttpError, type HttpErrorDetails, type HttpErrorKind } from './errors.ts';
export { countingTraffic, type Traffic } from './traffic.ts';
