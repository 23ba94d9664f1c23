import { isUtf8 } from 'node:buffer';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface TransportRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the exchange, wherever it is. */
  readonly signal: AbortSignal;
  /** The most body bytes to read: past it the exchange is cut off and rejects with ResponseTooLarge. */
  readonly maxBodyBytes: number;
}

/**
 * A body longer than the cap (claimed by Content-Length, or counted as it arrived). Reading stops
 * there, so an endless or huge body costs at most the cap in memory.
 */
export class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
  constructor(
    readonly maxBodyBytes: number,
    /** What Content-Length claimed, when the server sent one over the cap. */
    readonly claimedBytes?: number,
  ) {
    super(
      claimedBytes === undefined
        ? `the response body grew past ${maxBodyBytes} bytes`
        : `the response claims ${claimedBytes} bytes, more than ${maxBodyBytes}`,
    );
  }
}

/** Content-Length, when present and over the cap. */
function claimedOverCap(headers: Headers, maxBodyBytes: number): number | undefined {
  const claimed = Number(headers.get('content-length') ?? Number.NaN);
  return Number.isFinite(claimed) && claimed > maxBodyBytes ? claimed : undefined;
}

/** One HTTP exchange, the whole body read. Redirects are answered, never followed. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body's bytes were not valid UTF-8: `text` holds U+FFFD where they were. */
  readonly invalidUtf8: boolean;
}

export type Transport = (url: URL, request: TransportRequest) => Promise<TransportResponse>;

/** A fetch function as the transport: what tests inject to shape responses. */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (url, { method, headers, body, signal, maxBodyBytes }) => {
    const response = await fetchImpl(url, {
      method,
      headers,
      signal,
      // Never follow a redirect: fetch would forward custom auth headers to whatever host it names.
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
    });
    const claimed = claimedOverCap(response.headers, maxBodyBytes);
    if (claimed !== undefined) {
      await response.body?.cancel();
      throw new ResponseTooLarge(maxBodyBytes, claimed);
    }
    return {
      status: response.status,
      headers: response.headers,
      ...(await readCapped(response, maxBodyBytes)),
    };
  };
}

async function readCapped(
  response: Response,
  maxBodyBytes: number,
): Promise<{ text: string; invalidUtf8: boolean }> {
  if (response.body === null) return { text: '', invalidUtf8: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBodyBytes) {
      await reader.cancel();
      throw new ResponseTooLarge(maxBodyBytes);
    }
    chunks.push(value);
  }
  return decoded(Buffer.concat(chunks));
}

/** The body as text; the exact UTF-8 check runs only when the lenient decoding replaced something. */
function decoded(bytes: Buffer): { text: string; invalidUtf8: boolean } {
  const text = bytes.toString('utf8');
  return { text, invalidUtf8: text.includes('\uFFFD') && !isUtf8(bytes) };
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
  return (url, { method, headers, body, signal, maxBodyBytes }) =>
    new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const request = send(
        url,
        { method, headers, signal, agent: secure ? agents.https : agents.http },
        (response) => {
          const tooLarge = (error: ResponseTooLarge) => {
            reject(error);
            request.destroy(error);
          };
          const claimed = claimedOverCap(toHeaders(response.headers), maxBodyBytes);
          if (claimed !== undefined) return tooLarge(new ResponseTooLarge(maxBodyBytes, claimed));
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > maxBodyBytes) tooLarge(new ResponseTooLarge(maxBodyBytes));
            else chunks.push(chunk);
          });
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
              ...decoded(Buffer.concat(chunks)),
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
