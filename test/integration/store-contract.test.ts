import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../functions/store/file-store.ts';
import { startTestS3, type TestS3 } from '../support/local-s3.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { describeStoreContract } from './store-contract.ts';

let files: Awaited<ReturnType<typeof makeTempDir>>;
let s3: TestS3;
let storeCount = 0;

beforeAll(async () => {
  [files, s3] = await Promise.all([makeTempDir('file-store'), startTestS3()]);
});

afterAll(async () => {
  await Promise.all([files?.remove(), s3?.stop()]);
});

describeStoreContract('file store in a temporary directory', {
  makeStore: () => new FileStore(`${files.path}/store-${++storeCount}`),
});

describeStoreContract('S3 store against a local s3rver over HTTP', {
  // A fresh prefix per test keeps the tests apart and exercises the store's own prefix handling.
  makeStore: () => s3.store(`contract/store-${++storeCount}`),
});

describe('file store listing order', () => {
  // Real S3 lists by key bytes, so `a-b` comes before `a/b`; the file store must match it even
  // though it walks folders. (s3rver walks folders too and differs from S3 here, so this is not
  // part of the shared contract.)
  it('lists keys across sibling folders in byte order, as S3 does', async () => {
    const store = new FileStore(`${files.path}/byte-order`);
    for (const key of ['tree/a/b', 'tree/a-b', 'tree/a.b/c', 'tree/ab', 'tree/a/a/a'])
      await store.put(key, key);
    const listed: string[] = [];
    for await (const key of store.list('tree/')) listed.push(key);
    expect(listed).toEqual(['tree/a-b', 'tree/a.b/c', 'tree/a/a/a', 'tree/a/b', 'tree/ab']);
  });
});

describe('where objects live', () => {
  it('file store: an absolute path under its root, and no temporary files left behind', async () => {
    const store = new FileStore(`${files.path}/locate`);
    expect(store.locate('snapshots/site=acme/latest.json')).toBe(
      `${files.path}/locate/snapshots/site=acme/latest.json`,
    );
    await store.put('snapshots/site=acme/latest.json', Readable.from(['{}']));
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(`${files.path}/locate/snapshots/site=acme`)).toEqual(['latest.json']);
  });

  it('S3 store: s3://bucket/prefix/key, with or without a prefix', () => {
    expect(s3.store('archive/').locate('snapshots/x.json')).toBe(
      `s3://${s3.server.bucket}/archive/snapshots/x.json`,
    );
    expect(s3.store().locate('snapshots/x.json')).toBe(`s3://${s3.server.bucket}/snapshots/x.json`);
  });
});

describe('S3 conditional writes through the test proxy (real SDK requests)', () => {
  const bucket = () => s3.server.bucket;
  const put = (key: string, body: string, condition: { IfNoneMatch?: string; IfMatch?: string }) =>
    s3.client.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body, ...condition }));
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'written',
      (error: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
        `${error.$metadata?.httpStatusCode} ${error.name}`,
    );

  it('answers as S3 does: 412 PreconditionFailed, 404 NoSuchKey for If-Match on a missing key, 409 ConditionalRequestConflict while another is in flight', async () => {
    const key = 'proxy/semantics.json';
    const created = await put(key, 'one', { IfNoneMatch: '*' });
    expect(await failure(put(key, 'two', { IfNoneMatch: '*' }))).toBe('412 PreconditionFailed');
    expect(await failure(put(key, 'two', { IfMatch: '"0123456789abcdef0123456789abcdef"' }))).toBe(
      '412 PreconditionFailed',
    );
    expect(await failure(put('proxy/missing.json', 'x', { IfMatch: created.ETag as string }))).toBe(
      '404 NoSuchKey',
    );
    s3.proxy.setPutDelay(() => 200);
    try {
      const racing = await Promise.all([
        failure(put(key, 'three', { IfMatch: created.ETag as string })),
        new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
          failure(put(key, 'four', { IfMatch: created.ETag as string })),
        ),
      ]);
      expect(racing.sort()).toEqual(['409 ConditionalRequestConflict', 'written']);
    } finally {
      s3.proxy.setPutDelay(undefined);
    }
    const stored = await s3.client.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    expect(await stored.Body?.transformToString()).toBe('three');
  });

  it('shows a test every request: one it drops never reaches the server, one it forwards is answered', async () => {
    const seen: string[] = [];
    s3.proxy.setObserver({
      received: (request) => {
        seen.push(`${request.method} ${request.bucket}/${request.key}`);
        return request.key === 'proxy/dropped.json' ? 'drop' : 'forward';
      },
      answered: (request, status) => seen.push(`${status} ${request.key}`),
    });
    let dropped: string;
    try {
      dropped = await failure(put('proxy/dropped.json', 'lost', {}));
      await put('proxy/forwarded.json', 'kept', {});
    } finally {
      s3.proxy.setObserver(undefined);
    }
    expect(dropped).not.toBe('written');
    expect(seen.filter((line) => line.endsWith('dropped.json'))[0]).toBe(
      `PUT ${bucket()}/proxy/dropped.json`,
    );
    expect(seen.filter((line) => line.includes('dropped.json') && /^\d/.test(line))).toEqual([]);
    expect(seen.filter((line) => line.endsWith('forwarded.json'))).toEqual([
      `PUT ${bucket()}/proxy/forwarded.json`,
      '200 proxy/forwarded.json',
    ]);
    expect(
      await failure(s3.client.send(new GetObjectCommand({ Bucket: bucket(), Key: 'proxy/dropped.json' }))),
    ).toBe('404 NoSuchKey');
  });
});

describe('file store: writes a crash left behind', () => {
  it('removes temporary files and key locks untouched since the cut-off, and keeps newer ones and real objects', async () => {
    const store = new FileStore(`${files.path}/abandoned`);
    await store.put('snapshots/site=acme/date=2026-11-22/run=20261122T020000Z/users.csv', 'kept');
    const run = `${files.path}/abandoned/snapshots/site=acme/date=2026-11-22/run=20261122T020000Z`;
    const { writeFile, utimes, readdir } = await import('node:fs/promises');
    const old = new Date('2026-11-22T01:00:00Z');
    for (const name of ['.rollcall-tmp-0123abcd', '.rollcall-tmp-lock-latest.json']) {
      await writeFile(`${run}/${name}`, 'left by a crash');
      await utimes(`${run}/${name}`, old, old);
    }
    await writeFile(`${run}/.rollcall-tmp-inflight`, 'being written now');

    expect(await store.removeAbandonedWrites('snapshots/site=acme/', new Date('2026-11-22T02:00:00Z'))).toBe(
      2,
    );
    expect((await readdir(run)).sort()).toEqual(['.rollcall-tmp-inflight', 'users.csv']);
  });
});
