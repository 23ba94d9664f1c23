import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * S3's conditional writes in front of a local S3 server that ignores them (s3rver accepts
 * `If-None-Match` and `If-Match` on PutObject and overwrites anyway). Every request is passed
 * through unchanged, signature headers included; a PutObject that carries either header is
 * decided here first, with S3's documented answers:
 * - `If-None-Match: *` (the only value S3 accepts): 412 PreconditionFailed when the key exists;
 * - `If-Match: <ETag>`: 412 PreconditionFailed when the current ETag differs, 404 NoSuchKey
 *   when the key does not exist;
 * - a conditional write of a key while another one is in flight: 409 ConditionalRequestConflict.
 * Conditional writes of one key are decided one at a time (check and write together), which is
 * the atomicity S3 gives them; unconditional writes are not ordered against them. Multipart
 * uploads pass through without conditions: rollcall writes conditionally only with PutObject.
 *
 * Tests can also slow every PUT down (`setPutDelay`) to widen the windows races happen in, and
 * watch the requests go by (`setObserver`) to stop a client at an exact point: between two writes.
 */
export interface ConditionalS3Proxy {
  /** `http://127.0.0.1:<port>`: use it as the S3 endpoint instead of the server's. */
  readonly endpoint: string;
  /** Milliseconds to hold each PUT (by object key) before it is decided and forwarded. */
  setPutDelay(delay: ((key: string) => number) | undefined): void;
  /** Sees every request from now on (undefined: none). */
  setObserver(observer: RequestObserver | undefined): void;
  /** How many conditional writes were refused, by status code. */
  readonly refusals: Readonly<Record<'412' | '404' | '409', number>>;
  close(): Promise<void>;
}

/** A request as the proxy received it: `key` is the object key, '' for a request on the bucket. */
export interface ProxiedRequest {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
}

export interface RequestObserver {
  /**
   * Called when a request arrives, before anything reaches the server. `drop` closes its
   * connection unanswered and writes nothing: the request was in flight when its client died.
   */
  received?(request: ProxiedRequest): 'forward' | 'drop';
  /** Called once the answer (`status`) has been handed to the client in full. */
  answered?(request: ProxiedRequest, status: number): void;
}

export interface ConditionalS3ProxyOptions {
  /** The S3 server everything is forwarded to. */
  readonly upstream: string;
  /** A client of the upstream server, to read an object's current ETag. */
  readonly client: S3Client;
}

export async function startConditionalS3Proxy(
  options: ConditionalS3ProxyOptions,
): Promise<ConditionalS3Proxy> {
  const upstream = new URL(options.upstream);
  const inFlight = new Set<string>();
  const refusals = { '412': 0, '404': 0, '409': 0 };
  let putDelay: ((key: string) => number) | undefined;
  let observer: RequestObserver | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/xml' });
      res.end(errorXml('InternalError', String(error)));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const isPut = req.method === 'PUT';
    const objectKey = decodeURIComponent(url.pathname.slice(1));
    const ifNoneMatch = header(req.headers, 'if-none-match');
    const ifMatch = header(req.headers, 'if-match');
    const multipart = url.searchParams.has('uploadId') || url.searchParams.has('partNumber');
    if (observer !== undefined) {
      const slash = objectKey.indexOf('/');
      const request: ProxiedRequest = {
        method: req.method ?? 'GET',
        bucket: slash < 0 ? objectKey : objectKey.slice(0, slash),
        key: slash < 0 ? '' : objectKey.slice(slash + 1),
      };
      if (observer.received?.(request) === 'drop') {
        req.socket.destroy();
        return;
      }
      const { answered } = observer;
      if (answered) res.once('finish', () => answered(request, res.statusCode));
    }
    if (!isPut || multipart || (ifNoneMatch === undefined && ifMatch === undefined)) {
      if (isPut && putDelay) await sleep(putDelay(objectKey));
      forward(req, res, req);
      return;
    }
    const body = await readAll(req);
    if (inFlight.has(objectKey)) {
      refusals['409']++;
      reply(res, 409, 'ConditionalRequestConflict', 'A conflicting conditional operation is in progress.');
      return;
    }
    inFlight.add(objectKey);
    try {
      // Inside the in-flight window: a delayed conditional write is one others can collide with.
      if (putDelay) await sleep(putDelay(objectKey));
      if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
        reply(res, 501, 'NotImplemented', 'If-None-Match accepts only "*".');
        return;
      }
      const current = await currentEtag(objectKey);
      if (ifNoneMatch === '*' && current !== undefined) {
        refusals['412']++;
        reply(
          res,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
        return;
      }
      if (ifMatch !== undefined && current === undefined) {
        refusals['404']++;
        reply(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        return;
      }
      if (ifMatch !== undefined && unquote(ifMatch) !== unquote(current ?? '')) {
        refusals['412']++;
        reply(
          res,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
        return;
      }
      await new Promise<void>((resolve, reject) => {
        res.once('close', resolve).once('error', reject);
        forward(req, res, body);
      });
    } finally {
      inFlight.delete(objectKey);
    }
  }

  /** The object's ETag now, or undefined when it does not exist. */
  async function currentEtag(objectKey: string): Promise<string | undefined> {
    const slash = objectKey.indexOf('/');
    try {
      const head = await options.client.send(
        new HeadObjectCommand({ Bucket: objectKey.slice(0, slash), Key: objectKey.slice(slash + 1) }),
      );
      return head.ETag;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      throw error;
    }
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: IncomingMessage | Buffer): void {
    const headers = { ...req.headers };
    // Node answers `Expect: 100-continue` itself; the header is never part of the signature.
    delete headers.expect;
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outgoing.on('error', (error) => {
      if (!res.headersSent) reply(res, 502, 'BadGateway', error.message);
      else res.destroy(error);
    });
    if (Buffer.isBuffer(body)) outgoing.end(body);
    else {
      // A client that dies mid-upload: S3 discards the partial object, and so does the server
      // once the request it was sending is cut off.
      body.once('close', () => {
        if (!body.complete) outgoing.destroy();
      });
      body.pipe(outgoing);
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setPutDelay(delay) {
      putDelay = delay;
    },
    setObserver(next) {
      observer = next;
    },
    refusals,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unquote(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId() });
  res.end(errorXml(code, message));
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId()}</RequestId></Error>`;
}

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
