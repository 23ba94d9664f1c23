import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertValidKey, assertValidPrefix } from './object-key.ts';
import type {
  LinkSharingStore,
  ObjectBody,
  PresignGetOptions,
  StoredObject,
  TaggedObject,
  WriteCondition,
} from './port.ts';
import { describeCause, StoreError } from './store-error.ts';

export interface S3StoreOptions {
  /** Built by the shell (credentials, region, endpoint); the store never creates one. */
  readonly client: S3Client;
  readonly bucket: string;
  /** Folder inside the bucket, without leading or trailing `/`; keys are stored under it. */
  readonly prefix?: string;
}

/**
 * An `s3://bucket/prefix` store. Uploads go through lib-storage's `Upload`: one PutObject for
 * small bodies, multipart (5 MiB parts) for large ones and for streams whose length is unknown,
 * which is what the snapshot writer hands over. S3 shows an object only once it is complete.
 * It also signs time-limited GET links (`presignGet`) for `rollcall share`.
 */
export class S3Store implements LinkSharingStore {
  readonly bucket: string;
  /** `''` or `folder/`, prepended to every key. */
  readonly keyPrefix: string;
  private readonly client: S3Client;

  constructor(options: S3StoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    const folder = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (folder !== '') assertValidKey(folder);
    this.keyPrefix = folder === '' ? '' : `${folder}/`;
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  async put(key: string, body: ObjectBody, options?: { contentType?: string }): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: body,
        ...(options?.contentType ? { ContentType: options.contentType } : {}),
      },
    });
    try {
      await upload.done();
    } catch (cause) {
      throw new StoreError(`could not write ${this.locate(key)}: ${describeCause(cause)}`, { cause });
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (cause) {
      throw new StoreError(`could not remove ${this.locate(key)}: ${describeCause(cause)}`, { cause });
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    const body = await this.openRead(key);
    if (!body) return undefined;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (cause) {
      throw new StoreError(`could not read ${this.locate(key)}: ${describeCause(cause)}`, { cause });
    }
  }

  async getTagged(key: string): Promise<TaggedObject | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      const chunks: Buffer[] = [];
      for await (const chunk of response.Body as Readable) chunks.push(chunk as Buffer);
      return { body: Buffer.concat(chunks), etag: response.ETag ?? '' };
    } catch (cause) {
      if (isNoSuchKey(cause)) return undefined;
      throw new StoreError(`could not read ${this.locate(key)}: ${describeCause(cause)}`, { cause });
    }
  }

  /**
   * One PutObject with S3's conditional-write headers (`If-None-Match: *`, `If-Match: <ETag>`).
   * S3 answers 412 when the condition fails, 409 ConditionalRequestConflict when another
   * conditional write of the key is in flight, and 404 for `If-Match` on a key that is gone:
   * each means another writer got there first.
   */
  async putIf(
    key: string,
    body: string | Uint8Array,
    condition: WriteCondition,
    options?: { contentType?: string },
  ): Promise<string | undefined> {
    try {
      const response = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Body: body,
          ...(options?.contentType ? { ContentType: options.contentType } : {}),
          ...('ifMatch' in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: '*' }),
        }),
      );
      if (!response.ETag) throw new Error('the response has no ETag');
      return response.ETag;
    } catch (cause) {
      if (lostConditionalWrite(cause)) return undefined;
      throw new StoreError(`could not write ${this.locate(key)}: ${describeCause(cause)}`, { cause });
    }
  }

  async openRead(key: string): Promise<Readable | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      // In Node.js the SDK's body is an http.IncomingMessage, which is a Readable.
      return response.Body as Readable;
    } catch (cause) {
      if (isNoSuchKey(cause)) return undefined;
      throw new StoreError(`could not read ${this.locate(key)}: ${describeCause(cause)}`, { cause });
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    for await (const object of this.listObjects(prefix)) yield object.key;
  }

  async *listObjects(prefix: string): AsyncIterable<StoredObject> {
    assertValidPrefix(prefix);
    const fullPrefix = `${this.keyPrefix}${prefix}`;
    let continuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: fullPrefix,
            ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
          }),
        );
      } catch (cause) {
        throw new StoreError(`could not list s3://${this.bucket}/${fullPrefix}: ${describeCause(cause)}`, {
          cause,
        });
      }
      for (const object of page.Contents ?? []) {
        if (object.Key?.startsWith(this.keyPrefix))
          yield { key: object.Key.slice(this.keyPrefix.length), bytes: object.Size ?? 0 };
      }
      if (page.IsTruncated && !page.NextContinuationToken) {
        // Stopping here would silently drop the rest of the listing.
        throw new StoreError(
          `listing s3://${this.bucket}/${fullPrefix} was truncated without a continuation token`,
        );
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  /** A SigV4 query-string signature for GetObject; the SDK's presigner signs locally. */
  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ...(options.contentDisposition ? { ResponseContentDisposition: options.contentDisposition } : {}),
    });
    try {
      return await getSignedUrl(this.client, command, {
        expiresIn: options.expiresInSeconds,
        signingDate: options.signedAt,
      });
    } catch (cause) {
      throw new StoreError(`could not sign a link to ${this.locate(key)}: ${describeCause(cause)}`, {
        cause,
      });
    }
  }

  async signingCredentialsExpireAt(): Promise<Date | undefined> {
    try {
      return (await this.client.config.credentials()).expiration;
    } catch (cause) {
      throw new StoreError(`could not read the AWS credentials to sign links with: ${describeCause(cause)}`, {
        cause,
      });
    }
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return `${this.keyPrefix}${key}`;
  }
}

function lostConditionalWrite(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  return status === 412 || status === 409 || (status === 404 && name !== 'NoSuchBucket');
}

/** A missing object; a missing bucket is a configuration problem and stays an error. */
function isNoSuchKey(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (name === 'NoSuchKey') return true;
  return $metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket';
}
