import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface TransportRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the exchange, wherever it is. */
  readonly signal: AbortSignal;
}

/** One HTTP exchange, the whole body read. Redirects are answered, never followed. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export type Transport = (url: URL, request: TransportRequest) => Promise<TransportResponse>;

/** A fetch function as the transport: what tests inject to shape responses. */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (url, { method, headers, body, signal }) => {
    const response = await fetchImpl(url, {
      method,
      headers,
      signal,
      // Never follow a redirect: fetch would forward custom auth headers to whatever host it names.
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}

/**
 * node:http(s) over keep-alive agents, so a listing reuses one connection. The default
 * transport: an export is a long chain of sequential requests, and measured here fetch spent
 * about a millisecond more of CPU on each one than node:http — a tenth of a 10 ms round trip.
 */
export function nodeHttpTransport(): Transport {
  const agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };
  return (url, { method, headers, body, signal }) =>
    new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const request = send(
        url,
        { method, headers, signal, agent: secure ? agents.https : agents.http },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('close', () => {
            // A connection closed before the body's end is a network failure, not a short body.
            if (!response.complete)
              reject(Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' }));
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: toHeaders(response.headers),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}
