import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes bytes through unchanged while hashing (SHA-256) and counting them. Placed last before
 * the store, so the digest is of exactly the bytes the store receives.
 */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  private byteCount = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.byteCount += chunk.length;
    callback(null, chunk);
  }

  /** Call once, after the stream has finished. */
  result(): { sha256: string; bytes: number } {
    return { sha256: this.hash.digest('hex'), bytes: this.byteCount };
  }
}

/** SHA-256 and length of everything a stream yields. */
export async function digestOf(
  source: AsyncIterable<Buffer | string>,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hash.update(buffer);
    bytes += buffer.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
