import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../store/port.ts';
import { DigestStream } from './digest-stream.ts';

export interface StoredDigest {
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * Streams `body` into the store through a DigestStream, so the digest is of exactly the bytes
 * stored; resolves once both sides are done. Destroying `body` rejects it, and the store then
 * keeps no object under `key`.
 */
export async function putHashed(
  store: ObjectStore,
  key: string,
  body: Readable,
  contentType: string,
): Promise<StoredDigest> {
  const digest = new DigestStream();
  const produced = pipeline(body, digest);
  const stored = store.put(key, digest, { contentType }).catch((error: unknown) => {
    // The store stopped reading: end the producer too, or it would wait for a reader forever.
    // Without an error argument: the pipeline may be done already, and then nobody would listen.
    digest.destroy();
    throw error;
  });
  const [put, pipe] = await Promise.allSettled([stored, produced]);
  if (put.status === 'rejected') throw put.reason;
  if (pipe.status === 'rejected') throw pipe.reason;
  return digest.result();
}
