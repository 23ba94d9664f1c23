import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { acquireLease, type Lease, LeaseHeldError, LeaseLostError } from '../../functions/store/lease.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { StoreError } from '../../functions/store/store-error.ts';

/**
 * What every ObjectStore adapter must do, run against real backends (a temporary directory, a
 * local S3 server over HTTP). Each test gets a fresh, empty store from `makeStore`.
 */
export interface StoreContractOptions {
  readonly makeStore: () => ObjectStore | Promise<ObjectStore>;
}

const MiB = 1024 * 1024;

export function describeStoreContract(name: string, options: StoreContractOptions): void {
  const { makeStore } = options;

  describe(`ObjectStore contract: ${name}`, () => {
    it('round-trips a string, bytes and a stream, through get and openRead', async () => {
      const store = await makeStore();
      const bytes = Uint8Array.from([0, 1, 2, 254, 255, 10, 13]);
      await store.put('round-trip/text.json', '{"rollcall":"ünïcødé ✓"}\n', {
        contentType: 'application/json',
      });
      await store.put('round-trip/bytes.bin', bytes);
      await store.put(
        'round-trip/stream.txt',
        Readable.from(['first line\n', Buffer.from('second line\n'), 'end']),
      );

      expect((await store.get('round-trip/text.json'))?.toString('utf8')).toBe('{"rollcall":"ünïcødé ✓"}\n');
      expect(new Uint8Array((await store.get('round-trip/bytes.bin')) ?? [])).toEqual(bytes);
      expect((await store.get('round-trip/stream.txt'))?.toString('utf8')).toBe(
        'first line\nsecond line\nend',
      );
      const opened = await store.openRead('round-trip/stream.txt');
      expect(opened).toBeDefined();
      expect((await collect(opened as Readable)).toString('utf8')).toBe('first line\nsecond line\nend');
    });

    it('stores a body of unknown length over 5 MiB (multipart on S3) byte for byte', async () => {
      const store = await makeStore();
      const chunks = Array.from({ length: 13 }, (_, index) => randomBytes(index === 12 ? 12_345 : MiB));
      const expected = sha256(Buffer.concat(chunks));
      await store.put('large/body.bin', Readable.from(chunks));

      const read = await store.get('large/body.bin');
      expect(read?.length).toBe(12 * MiB + 12_345);
      expect(sha256(read ?? Buffer.alloc(0))).toBe(expected);
      const opened = await store.openRead('large/body.bin');
      expect(sha256(await collect(opened as Readable))).toBe(expected);
    });

    it('answers undefined for a missing key, including a "folder" that only holds other keys', async () => {
      const store = await makeStore();
      await store.put('present/child.txt', 'x');
      expect(await store.get('absent.txt')).toBeUndefined();
      expect(await store.openRead('absent.txt')).toBeUndefined();
      expect(await store.get('absent/deeper/key.txt')).toBeUndefined();
      expect(await store.get('present')).toBeUndefined();
      expect(await store.openRead('present')).toBeUndefined();
    });

    it('overwrites a key, and lists it once', async () => {
      const store = await makeStore();
      await store.put('overwrite/latest.json', '{"runId":"one"}');
      await store.put('overwrite/latest.json', '{"runId":"two"}');
      expect((await store.get('overwrite/latest.json'))?.toString('utf8')).toBe('{"runId":"two"}');
      expect(await listAll(store, 'overwrite/')).toEqual(['overwrite/latest.json']);
    });

    it('keeps keys with "=", spaces and Unicode exactly', async () => {
      const store = await makeStore();
      const keys = [
        'snapshots/site=acme/date=2026-11-22/run=20261122T020000Z/users.csv',
        'names/Zoë Ålander — 名前 😀.txt',
        'names/مرحبا بالعالم.txt',
      ];
      for (const key of keys) await store.put(key, `body of ${key}`);
      for (const key of keys) expect((await store.get(key))?.toString('utf8')).toBe(`body of ${key}`);
      expect(await listAll(store, 'snapshots/site=acme/')).toEqual([keys[0]]);
      expect(await listAll(store, 'names/')).toEqual(byteOrder(keys.slice(1)));
    });

    // 1,001 keys: one more than S3's page size, so the listing must follow a continuation token.
    it('lists more than 1,000 keys in ascending order, filtered by prefix (S3 continuation)', {
      timeout: 120_000,
    }, async () => {
      const store = await makeStore();
      const keys = Array.from(
        { length: 1_001 },
        (_, index) => `many/item-${String(index).padStart(4, '0')}.json`,
      );
      await putAll(store, [...shuffled(keys), 'other/item-0000.json', 'manz.json'], 16);

      expect(await listAll(store, 'many/')).toEqual(keys);
      expect(await listAll(store, 'many/item-09')).toEqual(
        keys.filter((key) => key.startsWith('many/item-09')),
      );
      expect(await listAll(store, 'nothing-here/')).toEqual([]);
      const everything = await listAll(store, '');
      expect(everything).toHaveLength(1_003);
      expect(everything).toEqual(byteOrder(everything));
    });

    it('lists by UTF-8 byte order, not JavaScript string order', async () => {
      const store = await makeStore();
      // UTF-16 puts the emoji (a surrogate pair, 0xD83D…) before U+FFFD; UTF-8 (and S3) after.
      const keys = ['order/😀', 'order/\uFFFD', 'order/日本', 'order/é', 'order/z', 'order/Z', 'order/a=1'];
      await putAll(store, keys, 8);
      expect(await listAll(store, 'order/')).toEqual([
        'order/Z',
        'order/a=1',
        'order/z',
        'order/é',
        'order/日本',
        'order/\uFFFD',
        'order/😀',
      ]);
    });

    it('never shows a partial object when the body fails mid-way', async () => {
      const store = await makeStore();
      await expect(store.put('failed/small.txt', failingStream(1_000))).rejects.toThrow();
      await expect(store.put('failed/large.bin', failingStream(6 * MiB))).rejects.toThrow();
      expect(await store.get('failed/small.txt')).toBeUndefined();
      expect(await store.get('failed/large.bin')).toBeUndefined();
      expect(await listAll(store, '')).toEqual([]);
    });

    it('creates a key only while it is absent (If-None-Match: *), and tags what it wrote', async () => {
      const store = await makeStore();
      const tag = await store.putIf('cas/new.json', '{"n":1}', { ifNoneMatch: '*' });
      expect(tag).toEqual(expect.any(String));
      expect(await store.putIf('cas/new.json', '{"n":2}', { ifNoneMatch: '*' })).toBeUndefined();
      expect(await store.getTagged('cas/new.json')).toEqual({ body: Buffer.from('{"n":1}'), etag: tag });
      expect(await store.getTagged('cas/absent.json')).toBeUndefined();
    });

    it('replaces a key only while it holds the version read (If-Match), never a missing one', async () => {
      const store = await makeStore();
      const first = (await store.putIf('cas/pointer.json', 'one', { ifNoneMatch: '*' })) as string;
      const second = await store.putIf('cas/pointer.json', 'two', { ifMatch: first });
      expect(second).toEqual(expect.any(String));
      expect(second).not.toBe(first);
      // The first version's tag is stale now: a writer that read it lost.
      expect(await store.putIf('cas/pointer.json', 'stale', { ifMatch: first })).toBeUndefined();
      expect(await store.getTagged('cas/pointer.json')).toEqual({ body: Buffer.from('two'), etag: second });
      expect(await store.putIf('cas/missing.json', 'x', { ifMatch: first })).toBeUndefined();
      expect(await store.get('cas/missing.json')).toBeUndefined();
    });

    it('lets exactly one of many racing conditional writes of a key win', async () => {
      const store = await makeStore();
      const writers = Array.from({ length: 8 }, (_, index) => `writer ${index}`);
      const created = await Promise.all(
        writers.map((body) => store.putIf('cas/race.json', body, { ifNoneMatch: '*' })),
      );
      const creator = created.findIndex((tag) => tag !== undefined);
      expect(created.filter((tag) => tag !== undefined)).toHaveLength(1);
      expect((await store.get('cas/race.json'))?.toString()).toBe(writers[creator]);

      const base = (await store.getTagged('cas/race.json'))?.etag as string;
      const replaced = await Promise.all(
        writers.map((body) => store.putIf('cas/race.json', `next ${body}`, { ifMatch: base })),
      );
      const replacer = replaced.findIndex((tag) => tag !== undefined);
      expect(replaced.filter((tag) => tag !== undefined)).toHaveLength(1);
      expect(await store.getTagged('cas/race.json')).toEqual({
        body: Buffer.from(`next ${writers[replacer]}`),
        etag: replaced[replacer],
      });
    });

    it('hands a lease to one writer at a time, refuses another, and lets the next take it once released', async () => {
      const store = await makeStore();
      const clock = { now: () => new Date() };
      const lease = (purpose: string) => ({
        store,
        key: 'work/site=acme/run=20261122T020000Z/lease.json',
        clock,
        site: 'acme',
        subject: 'run 20261122T020000Z of site acme',
        purpose,
        waitMs: 0,
      });
      const taken = await Promise.allSettled(
        ['first', 'second', 'third'].map((who) => acquireLease(lease(who))),
      );
      const holders = taken.filter((outcome) => outcome.status === 'fulfilled');
      expect(holders).toHaveLength(1);
      for (const outcome of taken.filter((each) => each.status === 'rejected')) {
        expect(outcome.reason).toBeInstanceOf(LeaseHeldError);
        expect(String(outcome.reason.message)).toMatch(
          /^run 20261122T020000Z of site acme is being written by another (first|second|third) since \d{4}-.*Z; try again when it has finished \(if it has stopped, its lease expires at \d{4}-.*Z\)\.$/,
        );
      }
      const held = (holders[0] as PromiseFulfilledResult<Lease>).value;
      await held.confirm();
      await held.release();
      const next = await acquireLease(lease('next'));
      await next.release();
    });

    it('takes over a lease whose holder stopped renewing it once it expires, and the old holder learns it lost', async () => {
      const store = await makeStore();
      let now = Date.parse('2026-11-22T02:00:00Z');
      const clock = { now: () => new Date(now) };
      const options = {
        store,
        key: 'work/site=acme/restore/lease.json',
        clock,
        site: 'acme',
        subject: 'site acme',
        purpose: 'restore',
        ttlMs: 60_000,
        waitMs: 0,
      };
      const crashed = await acquireLease(options);
      now += 30_000;
      await expect(acquireLease(options)).rejects.toBeInstanceOf(LeaseHeldError);
      now += 31_000;
      const successor = await acquireLease(options);
      await expect(crashed.confirm()).rejects.toBeInstanceOf(LeaseLostError);
      await crashed.release();
      // The old holder's release did not free the successor's lease.
      await expect(acquireLease(options)).rejects.toBeInstanceOf(LeaseHeldError);
      await successor.confirm();
      await successor.release();
    });

    it('removes a key, and removing a missing one is no error', async () => {
      const store = await makeStore();
      await store.put('work/site=acme/run=1/parts/part-000000.jsonl.gz', 'part');
      await store.remove?.('work/site=acme/run=1/parts/part-000000.jsonl.gz');
      await store.remove?.('work/site=acme/run=1/parts/part-000001.jsonl.gz');
      expect(await store.get('work/site=acme/run=1/parts/part-000000.jsonl.gz')).toBeUndefined();
      expect(store.remove).toBeTypeOf('function');
    });

    it('renews a lease confirmed twice at once without taking it for a takeover', async () => {
      const store = await makeStore();
      const held = await acquireLease({
        store,
        key: 'work/site=acme/run=20261122T020000Z/lease.json',
        clock: { now: () => new Date() },
        site: 'acme',
        subject: 'run 20261122T020000Z of site acme',
        purpose: 'export',
      });
      await Promise.all([held.confirm(), held.confirm(), held.confirm()]);
      await held.release();
    });

    it('keeps a handed-over lease from other writers, and gives it to its holder token again', async () => {
      const store = await makeStore();
      const options = {
        store,
        key: 'work/site=acme/run=20261122T020000Z/lease.json',
        clock: { now: () => new Date() },
        site: 'acme',
        subject: 'run 20261122T020000Z of site acme',
        purpose: 'export',
        waitMs: 0,
      };
      const slice = await acquireLease(options);
      slice.handOver();
      await slice.release();
      await expect(acquireLease(options)).rejects.toBeInstanceOf(LeaseHeldError);
      await expect(acquireLease({ ...options, resumeAs: 'another token' })).rejects.toBeInstanceOf(
        LeaseHeldError,
      );
      const next = await acquireLease({ ...options, resumeAs: slice.holder });
      expect(next.holder).toBe(slice.holder);
      await next.confirm();
      await next.release();
      const afterwards = await acquireLease(options);
      await afterwards.release();
    });

    it('rejects keys that are absolute or climb out of the store', async () => {
      const store = await makeStore();
      for (const key of [
        '../escape.txt',
        '/etc/passwd',
        'a/../../b',
        'a//b',
        'a/./b',
        'a/',
        '',
        'C:/x',
        'a\\b',
      ]) {
        await expect(store.put(key, 'x'), key).rejects.toBeInstanceOf(StoreError);
        await expect(store.get(key), key).rejects.toBeInstanceOf(StoreError);
      }
      await expect(listAll(store, '../')).rejects.toBeInstanceOf(StoreError);
      await expect(listAll(store, '/abs')).rejects.toBeInstanceOf(StoreError);
    });
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function listAll(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

/** Puts small objects with at most `concurrency` requests in flight. */
async function putAll(store: ObjectStore, keys: readonly string[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      await store.put(key, key);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function byteOrder(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Yields `bytes` bytes, then fails, like a provider connection dropping mid-export. */
function failingStream(bytes: number): Readable {
  return Readable.from(
    (async function* () {
      for (let sent = 0; sent < bytes; sent += MiB) yield randomBytes(Math.min(MiB, bytes - sent));
      throw new Error('the source failed mid-way');
    })(),
  );
}
