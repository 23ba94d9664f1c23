import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { type LocalS3, startLocalS3 } from '../../dev/local-s3.ts';
import { s3ClientOptions } from '../../functions/store/create-store.ts';
import { S3Store } from '../../functions/store/s3-store.ts';

/** A local S3 server in a temporary directory, with a client configured the way rollcall configures one. */
export interface TestS3 {
  readonly server: LocalS3;
  readonly client: S3Client;
  /** A store on the test bucket; give each test its own prefix to keep tests apart. */
  store(prefix?: string): S3Store;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export async function startTestS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'rollcall-s3-'));
  const server = await startLocalS3({ directory });
  const client = new S3Client({
    ...s3ClientOptions(server.endpoint),
    region: server.region,
    credentials: server.credentials,
  });
  return {
    server,
    client,
    store: (prefix) => new S3Store({ client, bucket: server.bucket, ...(prefix ? { prefix } : {}) }),
    async stop() {
      client.destroy();
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
