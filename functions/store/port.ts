import type { Readable } from 'node:stream';

export type ObjectBody = string | Uint8Array | Readable;

/** An object's bytes and its entity tag, the version a conditional write compares against. */
export interface TaggedObject {
  readonly body: Buffer;
  readonly etag: string;
}

/**
 * When a conditional write may land: `ifNoneMatch: '*'` only if the key does not exist yet,
 * `ifMatch` only if the key still holds the version read with that tag.
 */
export type WriteCondition = { readonly ifNoneMatch: '*' } | { readonly ifMatch: string };

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
  /** The object's bytes with its tag, or `undefined` when there is no such key. */
  getTagged(key: string): Promise<TaggedObject | undefined>;
  /**
   * Writes a small object only if `condition` holds when the write lands; two conditional writes
   * of one key never both succeed on the same version. Returns the new tag, or `undefined` when
   * the condition did not hold or another conditional write of the key was in flight: someone
   * else got there first, so read again and decide again.
   */
  putIf(
    key: string,
    body: string | Uint8Array,
    condition: WriteCondition,
    options?: { contentType?: string },
  ): Promise<string | undefined>;
  /**
   * Removes the object, if there is one. Only an export's own working files under `work/` are
   * ever removed (a finished run's checkpoint and parts); snapshots never are. Stores without it
   * leave them to the bucket's lifecycle rule for abandoned work.
   */
  remove?(key: string): Promise<void>;
  /**
   * Removes what writers that crashed left behind under `prefix` and last touched before
   * `before` (the file store's temporary files). Stores whose half-written objects are never
   * visible and expire by themselves (S3: incomplete multipart uploads, by lifecycle) omit it.
   */
  removeAbandonedWrites?(prefix: string, before: Date): Promise<number>;
}

/** An object and its size, as a listing that knows sizes returns it. */
export interface StoredObject {
  readonly key: string;
  readonly bytes: number;
}

/**
 * A store that can hand out time-limited download links to its objects (S3: presigned GET URLs).
 * A `file://` store cannot; `canShareLinks` tells them apart.
 */
export interface LinkSharingStore extends ObjectStore {
  /** Every object under `prefix` with its size, in ascending key order. */
  listObjects(prefix: string): AsyncIterable<StoredObject>;
  /**
   * A URL anyone can GET the object with, until `signedAt` + `expiresInSeconds`. Signing is local:
   * it neither checks that the object exists nor contacts the store.
   */
  presignGet(key: string, options: PresignGetOptions): Promise<string>;
  /**
   * When the credentials that sign the links expire (temporary, SSO or role credentials), or
   * `undefined` for long-term keys: a link stops working then, whatever its own expiry says.
   */
  signingCredentialsExpireAt(): Promise<Date | undefined>;
}

export interface PresignGetOptions {
  readonly expiresInSeconds: number;
  /** The signature's time; the link expires `expiresInSeconds` after it. */
  readonly signedAt: Date;
  /** Served as the response's Content-Disposition, e.g. to name a downloaded file. */
  readonly contentDisposition?: string;
}

export function canShareLinks(store: ObjectStore): store is LinkSharingStore {
  const candidate = store as Partial<LinkSharingStore>;
  return (
    typeof candidate.presignGet === 'function' &&
    typeof candidate.listObjects === 'function' &&
    typeof candidate.signingCredentialsExpireAt === 'function'
  );
}
