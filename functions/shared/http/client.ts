/**
 * The HTTP layer every provider connector uses. Implementation: ./create-http-client.ts.
 */
export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL. */
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON when present. */
  readonly json?: unknown;
  /** Raw body (e.g. a form); exclusive with `json`. */
  readonly body?: string;
  /**
   * Retry on 429/5xx/network errors. Defaults to true for GET/PUT/DELETE, false for POST. A rate
   * limit (429, or the provider's own signal) is retried whatever this says: it was not processed.
   */
  readonly retry?: boolean;
  /**
   * Abandons the request, its retries and its back-off: `send` then rejects with the signal's
   * reason. An export aborts the requests of one listing when another has failed for good.
   */
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /**
   * Parsed JSON body; `undefined` when the body is empty. Any of the client's secrets the server
   * echoed in it is already replaced by `[redacted]`.
   */
  readonly body: unknown;
  /**
   * The body as it arrived, when it parsed and holds none of the client's secrets: what a slice
   * records for its checkpoint, far cheaper to keep than the parsed body re-encoded.
   */
  readonly text?: string;
  /** How many retries this request needed before this response. */
  readonly retries: number;
}

export interface HttpClient {
  /**
   * Sends one request with the client's timeout, pacing and retry rules. Resolves with any
   * non-retryable response (2xx and 4xx alike: the caller decides what a status means); rejects
   * with an HttpError when retries are exhausted or the body is not the JSON it claims to be.
   */
  send(request: HttpRequest): Promise<HttpResponse>;
}
