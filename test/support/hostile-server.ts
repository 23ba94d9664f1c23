import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Body bytes written so far, over every request. */
  readonly bytesSent: () => number;
  close(): Promise<void>;
}

/** Answers every request with `answer`; what it wrote is counted. Loopback only. */
export async function startHostileServer(
  answer: (request: IncomingMessage, response: ServerResponse, count: (bytes: number) => void) => void,
): Promise<HostileServer> {
  let sent = 0;
  const server = createServer((request, response) => {
    request.resume();
    answer(request, response, (bytes) => {
      sent += bytes;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bytesSent: () => sent,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A JSON-looking body that never ends: 1 KiB chunks, written as fast as the client reads, until the
 * client hangs up or `limitBytes` is reached (a bound that keeps a broken client's test finite).
 */
export function endlessBody(limitBytes: number, intervalMs = 0) {
  return (_request: IncomingMessage, response: ServerResponse, count: (bytes: number) => void): void => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.from(`[${'"x",'.repeat(255)}`.slice(0, 1024));
    let written = 0;
    const pump = (): void => {
      while (written < limitBytes && !response.destroyed) {
        written += chunk.length;
        count(chunk.length);
        const more = response.write(chunk);
        if (intervalMs > 0) {
          setTimeout(pump, intervalMs);
          return;
        }
        if (!more) {
          response.once('drain', pump);
          return;
        }
      }
      if (!response.destroyed) response.end();
    };
    pump();
  };
}

/** A 200 that claims `claimedBytes` of JSON and sends a first kilobyte of it, then holds the line. */
export function hugeClaimedBody(claimedBytes: number) {
  return (_request: IncomingMessage, response: ServerResponse, count: (bytes: number) => void): void => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(claimedBytes) });
    const first = Buffer.from(`{"users":[${' '.repeat(1000)}`);
    count(first.length);
    response.write(first);
  };
}
