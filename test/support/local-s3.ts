import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { type LocalS3, startLocalS3 } from '../../dev/local-s3.ts';
import { s3ClientOptions } from '../../functions/store/create-store.ts';
import { S3Store } from '../../functions/store/s3-store.ts';
import { type ConditionalS3Proxy, startConditionalS3Proxy } from './conditional-s3-proxy.ts';

/**
 * A local S3 server in a temporary directory, behind a proxy that gives it S3's conditional
 * writes (see conditional-s3-proxy.ts), with a client configured the way rollcall configures one.
 * `server.endpoint` and `server.env` point at the proxy.
 */
export interface TestS3 {
  readonly server: LocalS3;
  readonly proxy: ConditionalS3Proxy;
  readonly client: S3Client;
  /** A store on the test bucket; give each test its own prefix to keep tests apart. */
  store(prefix?: string): S3Store;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export async function startTestS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'rollcall-s3-'));
  const s3rver = await startLocalS3({ directory });
  const clientOf = (endpoint: string) =>
    new S3Client({ ...s3ClientOptions(endpoint), region: s3rver.region, credentials: s3rver.credentials });
  const upstreamClient = clientOf(s3rver.endpoint);
  const proxy = await startConditionalS3Proxy({ upstream: s3rver.endpoint, client: upstreamClient });
  const server: LocalS3 = {
    ...s3rver,
    endpoint: proxy.endpoint,
    env: { ...s3rver.env, AWS_ENDPOINT_URL_S3: proxy.endpoint },
  };
  const client = clientOf(proxy.endpoint);
  return {
    server,
    proxy,
    client,
    store: (prefix) => new S3Store({ client, bucket: server.bucket, ...(prefix ? { prefix } : {}) }),
    async stop() {
      client.destroy();
      await proxy.close();
      upstreamClient.destroy();
      await s3rver.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
