import type { Readable } from 'node:stream';

export type ObjectBody = string | Uint8Array | Readable;

/**
 * The one port every store adapter implements (file:// and s3://). Keys are relative to the
 * store's root and always use `/`; the adapter adds its own prefix.
 */
export interface ObjectStore {
  /** Where a key lives, for people: `s3://bucket/prefix/key` or an absolute file path. */
  locate(key: string): string;
  /** Writes the whole object; a reader never sees a partial object under `key`. */
  put(key: string, body: ObjectBody, options?: { contentType?: string }): Promise<void>;
  /** The object's bytes, or `undefined` when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  /** A stream of the object's bytes, or `undefined` when there is no such key. */
  openRead(key: string): Promise<Readable | undefined>;
  /** Every key under `prefix`, in ascending order. */
  list(prefix: string): AsyncIterable<string>;
}
