import { randomBytes } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, assertValidPrefix, TEMPORARY_NAME_MARKER } from './object-key.ts';
import type { ObjectBody, ObjectStore } from './port.ts';
import { describeCause, StoreError } from './store-error.ts';

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

  async get(key: string): Promise<Buffer | undefined> {
    const path = this.locate(key);
    try {
      return await readFile(path);
    } catch (cause) {
      if (isNoSuchFile(cause)) return undefined;
      throw new StoreError(`could not read ${path}: ${describeCause(cause)}`, { cause });
    }
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

function isNoSuchFile(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
