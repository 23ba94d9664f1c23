import { request as httpRequest } from 'node:http';
import { type HostileServer, startHostileServer } from './hostile-server.ts';

/** What the proxy lets a test do to one answer: change its body, and act once it was sent. */
export type Rewrite = (path: string, body: Buffer) => Buffer;

/**
 * A loopback proxy in front of an emulator that can rewrite each answer's body bytes (then sent
 * without Content-Length) and call `afterAnswer` once an answer is on its way.
 */
export async function startRewritingProxy(
  target: string,
  rewrite: Rewrite,
  afterAnswer: (path: string) => void = () => {},
): Promise<HostileServer> {
  return startHostileServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const upstream = httpRequest(
        new URL(path, target),
        { method: request.method ?? 'GET', headers: request.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const { 'content-length': _length, ...headers } = answer.headers;
            response.writeHead(answer.statusCode ?? 502, headers);
            response.end(rewrite(path, Buffer.concat(body)));
            afterAnswer(path);
          });
        },
      );
      upstream.on('error', () => response.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
}
