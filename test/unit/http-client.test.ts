import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClientOptions, HttpError } from '../../functions/shared/http/index.ts';

/** How the test server answers its n-th request (0-based); the last entry repeats forever. */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

interface TestServer {
  readonly url: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

async function startServer(...script: Handler[]): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const handler = script[Math.min(seen.length, script.length - 1)];
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler?.(req, res, body);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const json =
  (status: number, value: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
const reset: Handler = (req) => req.socket.destroy();
const truncated: Handler = (_req, res) => {
  const text = '{"users": [{"email": "a@example.com"}, {"email": "b@exa';
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
};
const silent: Handler = () => {};

/** Records every wait the client asks for and returns at once, so retry tests take no time. */
function recordedSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

function client(overrides: HttpClientOptions = {}) {
  return createHttpClient({ maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2_000, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('createHttpClient', () => {
  it('returns parsed JSON with no retries, and sends the user agent and JSON headers', async () => {
    const server = await startServer(json(200, { hello: 'world' }));
    const response = await client({ userAgent: 'rollcall/9.9.9' }).send({
      url: `${server.url}/api/v1/users`,
      headers: { 'X-Custom': 'yes' },
    });
    expect(response).toMatchObject({ status: 200, body: { hello: 'world' }, retries: 0 });
    expect(server.seen[0]?.headers).toMatchObject({
      'user-agent': 'rollcall/9.9.9',
      accept: 'application/json',
      'x-custom': 'yes',
    });
  });

  it('resolves a 4xx as is (the caller decides), with an undefined body when it is not JSON', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>not here</html>');
    });
    const response = await client().send({ url: `${server.url}/nowhere` });
    expect(response).toMatchObject({ status: 404, body: undefined, retries: 0 });
    expect(server.seen).toHaveLength(1);
  });

  it('sends a JSON body and an empty 2xx body becomes undefined', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const response = await client().send({
      method: 'PUT',
      url: `${server.url}/x`,
      json: { first_name: 'Zoë' },
    });
    expect(response).toMatchObject({ status: 204, body: undefined });
    expect(server.seen[0]).toMatchObject({ method: 'PUT', body: '{"first_name":"Zoë"}' });
    expect(server.seen[0]?.headers['content-type']).toBe('application/json');
  });

  it('retries a 429 after the delay Retry-After asks for (seconds)', async () => {
    const server = await startServer(
      json(429, { message: 'slow down' }, { 'retry-after': '1' }),
      json(200, { ok: 1 }),
    );
    const { delays, sleep } = recordedSleep();
    const response = await client({ sleep }).send({ url: `${server.url}/a` });
    expect(response).toMatchObject({ status: 200, body: { ok: 1 }, retries: 1 });
    expect(delays).toEqual([1000]);
  });

  it('honours Retry-After as an HTTP date, and caps a long one', async () => {
    const nowMs = Date.parse('2026-11-22T02:00:00Z');
    const server = await startServer(
      json(429, {}, { 'retry-after': 'Sun, 22 Nov 2026 02:00:03 GMT' }),
      json(503, {}, { 'retry-after': '3600' }),
      json(200, { ok: true }),
    );
    const { delays, sleep } = recordedSleep();
    const response = await client({ sleep, now: () => nowMs, maxRetryAfterMs: 10_000 }).send({
      url: server.url,
    });
    expect(response.retries).toBe(2);
    expect(delays).toEqual([3000, 10_000]);
  });

  it('rides out a burst of 5xx and counts the retries', async () => {
    const server = await startServer(json(502, {}), json(503, {}), json(500, {}), json(200, { done: true }));
    const response = await client({ maxRetries: 3 }).send({ url: `${server.url}/burst` });
    expect(response).toMatchObject({ body: { done: true }, retries: 3 });
  });

  it('gives up on a persistent 5xx with a status HttpError counting every attempt', async () => {
    const server = await startServer(json(500, { message: 'boom' }));
    const error = await failure(
      client({ maxRetries: 3 }).send({ url: `${server.url}/api/v1/groups?next_page_start=x` }),
    );
    expect(error).toMatchObject({
      kind: 'status',
      status: 500,
      attempts: 4,
      method: 'GET',
      path: '/api/v1/groups',
    });
    expect(error.message).toBe('GET /api/v1/groups: HTTP 500 after 4 attempts');
    expect(server.seen).toHaveLength(4);
  });

  it('retries a reset connection, and reports a network HttpError when resets persist', async () => {
    const once = await startServer(reset, json(200, { after: 'reset' }));
    expect(await client().send({ url: once.url })).toMatchObject({ body: { after: 'reset' }, retries: 1 });

    const always = await startServer(reset);
    const error = await failure(client({ maxRetries: 2 }).send({ url: `${always.url}/r` }));
    expect(error).toMatchObject({ kind: 'network', attempts: 3, status: undefined });
    expect(error.message).toMatch(/^GET \/r: network error .*after 3 attempts$/);
  });

  it('reports a refused connection as a network HttpError with its code', async () => {
    const server = await startServer(json(200, {}));
    await server.close();
    const error = await failure(client({ maxRetries: 1 }).send({ url: `${server.url}/closed` }));
    expect(error).toMatchObject({ kind: 'network', attempts: 2, code: 'ECONNREFUSED' });
  });

  it('retries a truncated JSON body, and reports a body HttpError when it stays truncated', async () => {
    const flaky = await startServer(truncated, json(200, { users: [] }));
    expect(await client().send({ url: flaky.url })).toMatchObject({ body: { users: [] }, retries: 1 });

    const broken = await startServer(truncated);
    const error = await failure(client({ maxRetries: 2 }).send({ url: `${broken.url}/api/v1/users` }));
    expect(error).toMatchObject({ kind: 'body', status: 200, attempts: 3 });
    expect(error.message).toContain('not valid JSON');
  });

  it('times out an attempt that gets no answer, retries it, and reports a timeout HttpError', async () => {
    const slowOnce = await startServer(silent, json(200, { late: false }));
    expect(await client({ timeoutMs: 100 }).send({ url: slowOnce.url })).toMatchObject({ retries: 1 });

    const slow = await startServer(silent);
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 100, maxRetries: 1 }).send({ url: `${slow.url}/wait` }));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not retry a POST unless asked to', async () => {
    const server = await startServer(json(503, {}));
    const error = await failure(
      client().send({ method: 'POST', url: `${server.url}/api/v1/users`, json: {} }),
    );
    expect(error).toMatchObject({ kind: 'status', status: 503, attempts: 1 });
    expect(server.seen).toHaveLength(1);

    const retried = await startServer(json(503, {}), json(201, { created: true }));
    const response = await client().send({ method: 'POST', url: retried.url, json: {}, retry: true });
    expect(response).toMatchObject({ status: 201, retries: 1 });
  });

  it('backs off exponentially with full jitter, bounded by maxDelayMs', async () => {
    const server = await startServer(json(503, {}));
    const high = recordedSleep();
    await failure(
      client({
        maxRetries: 6,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        random: () => 0.5,
        sleep: high.sleep,
      }).send({
        url: server.url,
      }),
    );
    expect(high.delays).toEqual([50, 100, 200, 400, 500, 500]);

    const low = recordedSleep();
    await failure(
      client({ maxRetries: 2, baseDelayMs: 100, random: () => 0, sleep: low.sleep }).send({
        url: server.url,
      }),
    );
    expect(low.delays).toEqual([0, 0]);
  });

  it('paces requests of one client, concurrent ones included, at requestsPerSecond', async () => {
    const server = await startServer(json(200, {}));
    const { delays, sleep } = recordedSleep();
    const paced = client({ requestsPerSecond: 10, now: () => 1_000_000, sleep });
    await Promise.all(Array.from({ length: 5 }, () => paced.send({ url: server.url })));
    // Five requests at one instant take the slots 0, 100, 200, 300 and 400 ms from now.
    expect(delays.sort((a, b) => a - b)).toEqual([100, 200, 300, 400]);
    expect(server.seen).toHaveLength(5);
  });

  it('spaces sequential requests by the remaining part of the interval only', async () => {
    const server = await startServer(json(200, {}));
    let nowMs = 0;
    const waits: number[] = [];
    const paced = client({
      requestsPerSecond: 4,
      now: () => nowMs,
      sleep: async (ms) => {
        waits.push(ms);
        nowMs += ms;
      },
    });
    await paced.send({ url: server.url });
    nowMs += 100; // the caller spent 100 ms on the first page
    await paced.send({ url: server.url });
    nowMs += 400; // and more than an interval on the second
    await paced.send({ url: server.url });
    expect(waits).toEqual([150]);
  });

  it('does not follow a redirect, so auth headers never reach another host', async () => {
    const elsewhere = await startServer(json(200, { stolen: true }));
    const redirecting = await startServer((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/collect` });
      res.end();
    });
    const response = await client().send({
      url: redirecting.url,
      headers: { 'HTTP-X-PARTNER-AUTH': 'site:key' },
    });
    expect(response).toMatchObject({ status: 302, body: undefined, retries: 0 });
    expect(response.headers.get('location')).toBe(`${elsewhere.url}/collect`);
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('never lets a secret from the URL or a header into an error message or its cause chain', async () => {
    const secret = 'e179017a-62b0-4996-8a38-e91aa9f1';
    const secrets = [secret];
    const headers = { 'HTTP-X-PARTNER-AUTH': `example_site:${secret}` };
    const failures: HttpError[] = [];

    const resetting = await startServer(reset);
    failures.push(
      await failure(
        client({ secrets, maxRetries: 1 }).send({
          url: `${resetting.url}/k/${secret}/users?key=${secret}`,
          headers,
        }),
      ),
    );
    const broken = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"echo": "${secret}", "cut`);
    });
    failures.push(
      await failure(client({ secrets, maxRetries: 1 }).send({ url: `${broken.url}/${secret}`, headers })),
    );
    const failing = await startServer(json(500, { key: secret }));
    failures.push(
      await failure(client({ secrets, maxRetries: 1 }).send({ url: `${failing.url}/${secret}`, headers })),
    );
    const silentServer = await startServer(silent);
    failures.push(
      await failure(
        client({ secrets, maxRetries: 0, timeoutMs: 50 }).send({
          url: `${silentServer.url}/${secret}`,
          headers,
        }),
      ),
    );
    await resetting.close();
    failures.push(
      await failure(client({ secrets, maxRetries: 0 }).send({ url: `${resetting.url}/${secret}`, headers })),
    );

    expect(failures.map((error) => error.kind)).toEqual(['network', 'body', 'status', 'timeout', 'network']);
    for (const error of failures) {
      const printed = [
        error.message,
        String(error),
        error.stack,
        inspect(error, { depth: 20 }),
        JSON.stringify(error),
      ];
      for (let cause = error.cause; cause !== undefined; cause = (cause as Error).cause) {
        printed.push(String(cause), (cause as Error).stack, inspect(cause, { depth: 20 }));
      }
      for (const text of printed) expect(text).not.toContain(secret);
      expect(error.path).toContain('[redacted]');
    }
  });

  it('hands back a body with every echoed secret redacted, in any JSON spelling', async () => {
    const secret = 'k3y/with"quote';
    const raw =
      (text: string): Handler =>
      (_req, res) => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(text);
      };
    const server = await startServer(
      json(400, { message: `bad partner acme:${secret}`, [secret]: [secret] }),
      raw('{"message": "k3y\\/with\\"quote"}'),
      raw('{"message": "\\u006b3y/with\\u0022quote"}'),
      json(200, { users: [{ email: 'ann@example.com' }] }),
    );
    const send = () => client({ secrets: [secret] }).send({ url: server.url });
    expect((await send()).body).toEqual({
      message: 'bad partner acme:[redacted]',
      '[redacted]': ['[redacted]'],
    });
    expect((await send()).body).toEqual({ message: '[redacted]' });
    expect((await send()).body).toEqual({ message: '[redacted]' });
    expect((await send()).body).toEqual({ users: [{ email: 'ann@example.com' }] });
  });

  it('keeps query strings (cursors are emails) out of error messages', async () => {
    const server = await startServer(json(503, {}));
    const error = await failure(
      client({ maxRetries: 0 }).send({
        url: `${server.url}/api/v1/users?next_page_start=alice%2Bqa%40example.com`,
      }),
    );
    expect(error.message).not.toContain('alice');
    expect(error.path).toBe('/api/v1/users');
  });
});
