import { Readable } from 'node:stream';
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
