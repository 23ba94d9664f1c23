import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type PeriscopeV1Emulator,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';
import { snapshotRunPrefix } from '../../functions/snapshot/layout.ts';
import { manifestKeyOf, readManifestAt, readUsers } from '../../functions/snapshot/read-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { runRollcall } from '../support/cli.ts';
import { type Rewrite, startRewritingProxy } from '../support/rewriting-proxy.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RUN = '20261121T020000Z';
const isUsersPage = (path: string) => path.startsWith('/api/v1/users');

/** One Periscope v1 site behind a rewriting proxy, exported once through the CLI. */
async function exportThroughProxy(
  rewrite: Rewrite,
  afterAnswer?: (site: PeriscopeV1Emulator, path: string) => void,
) {
  const site = await startPeriscopeV1Emulator({ users: 250, groups: 5 });
  cleanups.push(() => site.close());
  const proxy = await startRewritingProxy(site.url, rewrite, (path) => afterAnswer?.(site, path));
  cleanups.push(() => proxy.close());
  const temp = await makeTempDir('anomalies');
  cleanups.push(() => temp.remove());
  await writeFile(
    join(temp.path, 'rollcall.config.json'),
    JSON.stringify({
      store: 'file://./backups',
      sites: [{ id: 'acme', provider: 'periscope-v1', baseUrl: proxy.url, credentials: { env: 'CREDS' } }],
    }),
  );
  const run = await runRollcall(['export', '--as-of', '2026-11-21T02:00:00Z'], {
    cwd: temp.path,
    env: { CREDS: JSON.stringify({ site: site.site, apiKey: site.apiKey }) },
  });
  const store = new FileStore(join(temp.path, 'backups'));
  const manifest = await readManifestAt(store, manifestKeyOf('acme', RUN));
  return { run, manifest, store };
}

describe('what a listing page hides', () => {
  it('treats a total that drops between pages as drift, even when the count then matches it', async () => {
    let removed = false;
    const { run, manifest } = await exportThroughProxy(
      (_path, body) => body,
      (site, path) => {
        if (removed || !isUsersPage(path)) return;
        removed = true;
        // Users on pages not read yet vanish, and the total drops to match.
        const last = site.state
          .users()
          .map((user) => user.email)
          .sort()
          .slice(-3);
        for (const email of last) site.state.removeUser(email);
      },
    );
    expect(run.code).toBe(1);
    expect(manifest?.status).toBe('incomplete');
    expect(manifest?.source.users).toMatchObject({
      complete: false,
      reportedTotals: [250, 247],
      uniqueRecords: 247,
    });
    expect(manifest?.reason).toContain('reported total changed');
    expect(manifest?.reason).toContain('250 → 247');
  });

  it('counts records with bytes that are not UTF-8 and records with a key given twice, and keeps them', async () => {
    let rewritten = false;
    const { run, manifest, store } = await exportThroughProxy((path, body) => {
      if (rewritten || !isUsersPage(path)) return body;
      rewritten = true;
      const text = body.toString('latin1');
      const name = text.indexOf('"first_name":"') + '"first_name":"'.length;
      const secondRecord = text.indexOf('{"', text.indexOf('{"', text.indexOf('[')) + 1);
      const dup = text.indexOf('"last_name":', secondRecord);
      return Buffer.concat([
        body.subarray(0, name),
        Buffer.from([0xff, 0xfe]),
        body.subarray(name, dup),
        Buffer.from('"last_name":"Shadow",'),
        body.subarray(dup),
      ]);
    });
    expect(run.code, run.stderr).toBe(0);
    expect(manifest?.status).toBe('complete');
    expect(manifest?.source.users).toMatchObject({ invalidUtf8Records: 1, duplicateKeyRecords: 1 });
    expect(manifest?.source.users?.warnings?.join('\n')).toMatch(/not UTF-8[\s\S]*key twice/);
    let replaced = 0;
    for await (const user of readUsers(store, snapshotRunPrefix('acme', RUN))) {
      if (user.firstName?.includes('\uFFFD')) replaced += 1;
    }
    expect(replaced).toBe(1);
  });
});
