import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { type HostileServer, startHostileServer } from '../support/hostile-server.ts';
import { exportedWorkspace, NIGHT_RUN } from '../support/restore-workspace.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * In front of the emulator: reads pass through; every write is refused with a message that quotes
 * the request's auth header back, as a careless API gateway does.
 */
async function echoingProxy(target: string): Promise<HostileServer> {
  const proxy = await startHostileServer((request, response) => {
    const auth = String(request.headers['http-x-partner-auth'] ?? '');
    if (request.method !== 'GET') {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `invalid request for partner ${auth}: email taken` }));
      return;
    }
    const upstream = httpRequest(
      new URL(request.url ?? '/', target),
      { method: 'GET', headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    upstream.end();
  });
  cleanups.push(() => proxy.close());
  return proxy;
}

describe('a secret the server echoes back', () => {
  it('is printed and stored redacted by a restore, whatever the step said', async () => {
    const site = await startPeriscopeV1Emulator({ users: 40, groups: 4 });
    cleanups.push(() => site.close());
    const proxy = await echoingProxy(site.url);
    const workspace = await exportedWorkspace(
      {
        id: 'acme',
        provider: 'periscope-v1',
        baseUrl: proxy.url,
        credentials: { site: site.site, apiKey: site.apiKey },
      },
      cleanups,
    );
    const victim = site.state.users()[0];
    if (!victim) throw new Error('the emulator has no users');
    site.state.removeUser(victim.email);

    for (const json of [[], ['--json']]) {
      const run = await workspace.run([
        'restore',
        '--site',
        'acme',
        '--from',
        NIGHT_RUN,
        '--user',
        victim.email,
        '--invited-by',
        'it-admin@acme.example',
        '--apply',
        ...json,
      ]);
      expect(run.code).toBe(1);
      const printed = run.stdout + run.stderr;
      // The refusal is shown, with the secret replaced.
      expect(printed).toContain('email taken');
      expect(printed).toContain('[redacted]');
      expect(printed).not.toContain(site.apiKey);
    }

    const store = new FileStore(join(workspace.dir, 'backups'));
    const records: string[] = [];
    for await (const key of store.list('restores/')) records.push(key);
    expect(records.some((key) => key.endsWith('result.json'))).toBe(true);
    for (const key of records) {
      const text = (await store.get(key))?.toString('utf8') ?? '';
      if (key.endsWith('result.json')) expect(text).toContain('[redacted]');
      expect(text).not.toContain(site.apiKey);
    }
  });
});
