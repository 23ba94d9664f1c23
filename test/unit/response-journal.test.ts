import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReplayIndex, ResponseJournal } from '../../functions/export/slices/response-journal.ts';
import { createHttpClient } from '../../functions/shared/http/index.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const SECRET = 'k3y-0f-acme-1234567890';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A site whose `/echo` page repeats the key it was sent, as a careless API's error pages do. */
async function site(): Promise<string> {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      request.url === '/echo'
        ? JSON.stringify({ users: [], note: `key ${request.headers.authorization} accepted` })
        : '{\n  "users": [{"email": "ana@example.com", "name": "Ana é"}],\n  "next": null\n}',
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the answers a slice records', () => {
  it('keep a page as it arrived, never a secret the site echoed, and replay both as the client parsed them', async () => {
    const base = await site();
    const http = createHttpClient({ secrets: [SECRET], maxRetries: 0 });
    const headers = { authorization: SECRET };
    const lines: string[] = [];
    const recording = new ResponseJournal({ record: (line) => void lines.push(line) }).wrap(http);
    const page = await recording.send({ url: `${base}/users`, headers });
    const echoed = await recording.send({ url: `${base}/echo`, headers });
    expect(echoed.body).toEqual({ users: [], note: 'key [redacted] accepted' });

    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(SECRET);
    // The page's own text, its layout included, not the parsed body encoded again.
    expect(JSON.parse(lines[0] as string).response.text).toContain('{\n  "users": [{"email"');

    const temp = await makeTempDir('response-journal');
    cleanups.push(() => temp.remove());
    const file = await open(join(temp.path, 'replay.jsonl'), 'w+');
    cleanups.push(() => file.close());
    const replay = new ReplayIndex(file);
    await replay.append(lines, { errors: true });
    const offline = createHttpClient({
      secrets: [SECRET],
      maxRetries: 0,
      fetch: () => Promise.reject(new Error('offline')),
    });
    const replaying = new ResponseJournal({ replay, record: () => undefined }).wrap(offline);
    expect((await replaying.send({ url: `${base}/users`, headers })).body).toEqual(page.body);
    expect((await replaying.send({ url: `${base}/echo`, headers })).body).toEqual(echoed.body);
  });
});
