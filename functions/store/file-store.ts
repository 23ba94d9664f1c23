import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertValidKey, assertValidPrefix, TEMPORARY_NAME_MARKER } from './object-key.ts';
import type { ObjectBody, ObjectStore, TaggedObject, WriteCondition } from './port.ts';
import { describeCause, StoreError } from './store-error.ts';

/**
 * A conditional write holds its key's lock file for a few milliseconds (read, compare, rename).
 * A lock file older than this was left by a process that died inside that window and is removed.
 */
const KEY_LOCK_STALE_MS = 10_000;
/** How long a conditional write waits for its key's lock before it reports the store as stuck. */
const KEY_LOCK_WAIT_MS = 30_000;

/**
 * A `file://` store: each key is a file under `root`, `/` in keys becoming directories, so the
 * layout on disk is the layout in S3. One limit S3 does not have: a key cannot also be the
 * directory of another key (`a` and `a/b`); rollcall's layout never needs that.
 */
export class FileStore implements ObjectStore {
  constructor(readonly root: string) {
    if (!isAbsolute(root)) throw new StoreError(`a file store needs an absolute directory, got ${root}`);
  }

  locate(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  /** Writes a temporary file next to the target, flushes it, then renames it into place. */
  async put(key: string, body: ObjectBody): Promise<void> {
    const path = this.locate(key);
    const directory = dirname(path);
    const temporary = join(directory, `${TEMPORARY_NAME_MARKER}${randomBytes(8).toString('hex')}`);
    try {
      await mkdir(directory, { recursive: true });
      if (typeof body === 'string' || body instanceof Uint8Array) {
        await writeFile(temporary, body, { flag: 'wx', flush: true });
      } else {
        await pipeline(body, createWriteStream(temporary, { flags: 'wx', flush: true }));
      }
      await rename(temporary, path);
    } catch (cause) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new StoreError(`could not write ${path}: ${describeCause(cause)}`, { cause });
    }
  }

  async remove(key: string): Promise<void> {
    const path = this.locate(key);
    try {
      await rm(path, { force: true });
    } catch (cause) {
      throw new StoreError(`could not remove ${path}: ${describeCause(cause)}`, { cause });
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    const path = this.locate(key);
    try {
      return await readFile(path);
    } catch (cause) {
      if (isNoSuchFile(cause)) return undefined;
      throw new StoreError(`could not read ${path}: ${describeCause(cause)}`, { cause });
    }
  }

  async getTagged(key: string): Promise<TaggedObject | undefined> {
    const body = await this.get(key);
    return body === undefined ? undefined : { body, etag: contentTag(body) };
  }

  /**
   * Compare-and-swap on one file: under the key's lock file (created exclusively, `wx`), read
   * the current content, compare its tag, then write a temporary file and rename it into place.
   * Readers never take the lock: they see the old file or the new one, never a mix. Holds for
   * processes sharing one local file system; not for network file systems whose exclusive create
   * or rename is not atomic.
   */
  async putIf(
    key: string,
    body: string | Uint8Array,
    condition: WriteCondition,
  ): Promise<string | undefined> {
    const path = this.locate(key);
    const lock = join(dirname(path), `${TEMPORARY_NAME_MARKER}lock-${basename(path)}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await acquireKeyLock(lock);
    } catch (cause) {
      throw new StoreError(`could not write ${path}: ${describeCause(cause)}`, { cause });
    }
    try {
      const current = await this.get(key);
      const holds =
        'ifMatch' in condition
          ? current !== undefined && contentTag(current) === condition.ifMatch
          : current === undefined;
      if (!holds) return undefined;
      await this.put(key, body);
      return contentTag(typeof body === 'string' ? Buffer.from(body) : body);
    } finally {
      await rm(lock, { force: true }).catch(() => undefined);
    }
  }

  /**
   * Deletes temporary files (`.rollcall-tmp-*`: writes and key locks) under `prefix` that were
   * last modified before `before`: a writer that crashed left them. A live write keeps touching
   * its file, so a cut-off well in the past never removes one in flight.
   */
  async removeAbandonedWrites(prefix: string, before: Date): Promise<number> {
    assertValidPrefix(prefix);
    const directoryKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    return this.sweep(join(this.root, ...directoryKey.split('/').filter(Boolean)), before.getTime());
  }

  private async sweep(directory: string, cutoffMs: number): Promise<number> {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (cause) {
      if (isNoSuchFile(cause)) return 0;
      throw new StoreError(`could not list ${directory}: ${describeCause(cause)}`, { cause });
    }
    let removed = 0;
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) removed += await this.sweep(path, cutoffMs);
      else if (entry.name.startsWith(TEMPORARY_NAME_MARKER)) {
        const modified = await stat(path).then(
          (info) => info.mtimeMs,
          () => Number.POSITIVE_INFINITY,
        );
        if (modified < cutoffMs) {
          await rm(path, { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  async openRead(key: string): Promise<Readable | undefined> {
    const path = this.locate(key);
    try {
      const handle = await open(path, 'r');
      // Opening a directory succeeds on Linux; for a store it is "no such object".
      if ((await handle.stat()).isDirectory()) {
        await handle.close();
        return undefined;
      }
      return handle.createReadStream();
    } catch (cause) {
      if (isNoSuchFile(cause)) return undefined;
      throw new StoreError(`could not read ${path}: ${describeCause(cause)}`, { cause });
    }
  }

  /**
   * Walks only the directories the prefix can reach, sorting each directory's entries so the keys
   * come out in S3's order (UTF-8 bytes of the whole key): a directory sorts as its name plus `/`.
   */
  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    yield* this.walk(prefix.slice(0, prefix.lastIndexOf('/') + 1), prefix);
  }

  private async *walk(directoryKey: string, prefix: string): AsyncGenerator<string> {
    const directory = join(this.root, ...directoryKey.split('/'));
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (cause) {
      if (isNoSuchFile(cause)) return;
      throw new StoreError(`could not list ${directory}: ${describeCause(cause)}`, { cause });
    }
    const reachable: { key: string; isDirectory: boolean }[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith(TEMPORARY_NAME_MARKER)) continue;
      const isDirectory = entry.isDirectory();
      if (!isDirectory && !entry.isFile()) continue;
      const key = `${directoryKey}${entry.name}${isDirectory ? '/' : ''}`;
      if (key.startsWith(prefix) || (isDirectory && prefix.startsWith(key)))
        reachable.push({ key, isDirectory });
    }
    reachable.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    for (const { key, isDirectory } of reachable) {
      if (isDirectory) yield* this.walk(key, prefix);
      else yield key;
    }
  }
}

/** A file's entity tag: the SHA-256 of its content, so equal tags mean equal bytes. */
function contentTag(content: Uint8Array): string {
  return `"${createHash('sha256').update(content).digest('hex')}"`;
}

/** Creates the lock file exclusively, waiting while another writer holds it; removes a stale one. */
async function acquireKeyLock(lock: string): Promise<void> {
  const giveUpAt = Date.now() + KEY_LOCK_WAIT_MS;
  for (;;) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    const modified = await stat(lock).then(
      (info) => info.mtimeMs,
      () => undefined,
    );
    if (modified !== undefined && Date.now() - modified > KEY_LOCK_STALE_MS) {
      // Moved aside first: of several processes removing it at once, one succeeds.
      const aside = `${lock}-stale-${randomBytes(4).toString('hex')}`;
      if (
        await rename(lock, aside).then(
          () => true,
          () => false,
        )
      )
        await rm(aside, { force: true });
      continue;
    }
    if (Date.now() > giveUpAt) throw new Error(`${lock} has been held for over ${KEY_LOCK_WAIT_MS / 1000} s`);
    await sleep(5 + Math.floor(Math.random() * 20));
  }
}

function isNoSuchFile(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
