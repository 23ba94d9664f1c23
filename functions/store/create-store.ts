import { resolve } from 'node:path';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ConfigError } from '../shared/errors.ts';
import { FileStore } from './file-store.ts';
import type { ObjectStore } from './port.ts';
import { S3Store } from './s3-store.ts';

export interface StoreDeps {
  /** The directory a relative `file://` path is resolved against (the shell's working directory). */
  readonly cwd: string;
  /** Needed only for `s3://` stores; a factory lets a shell build the client only when it is used. */
  readonly s3Client?: S3Client | (() => S3Client);
}

const ACCEPTED =
  'file://<directory> (absolute, or relative to the config file; for --store, to the working directory) or s3://<bucket>[/<prefix>]';

/** S3 bucket naming rules (the subset that matters for a URI): 3–63 of a-z 0-9 . - */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The store a `store` setting or `--store` flag names. */
export function createStore(uri: string, deps: StoreDeps): ObjectStore {
  if (uri.startsWith('file://')) {
    const directory = uri.slice('file://'.length);
    if (directory === '') throw badUri(uri, 'the directory is missing');
    return new FileStore(resolve(deps.cwd, directory));
  }
  if (uri.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Uri(uri);
    if (!deps.s3Client) throw new ConfigError(`store ${uri} is on S3, but no S3 client is available here`);
    const client = typeof deps.s3Client === 'function' ? deps.s3Client() : deps.s3Client;
    return new S3Store({ client, bucket, prefix });
  }
  throw badUri(uri, 'the scheme is not one rollcall knows');
}

/** The bucket and key prefix (no trailing slash, possibly empty) of an `s3://` store URI. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  if (!uri.startsWith('s3://')) throw badUri(uri, 'it is not an s3:// URI');
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!BUCKET_NAME.test(bucket)) throw badUri(uri, `"${bucket}" is not a valid S3 bucket name`);
  if (prefix.split('/').some((segment) => segment === '.' || segment === '..' || (prefix && !segment))) {
    throw badUri(uri, `the prefix "${prefix}" has an empty, "." or ".." segment`);
  }
  return { bucket, prefix };
}

function badUri(uri: string, problem: string): ConfigError {
  return new ConfigError(`store "${uri}" is not usable: ${problem}; use ${ACCEPTED}`);
}

/**
 * The S3 client settings rollcall uses everywhere; spread region or credentials over them when
 * needed. With an endpoint override (see `s3EndpointOverride`) the client talks to a local
 * S3-compatible server: path-style addressing, because such servers have no per-bucket host
 * names, and checksums only when an operation requires them, because servers such as s3rver store
 * the aws-chunked checksum framing as object content. Real S3 keeps the SDK's default checksums,
 * which a bucket with Object Lock requires on every upload.
 */
export function s3ClientOptions(endpointOverride?: string | undefined): S3ClientConfig {
  return endpointOverride
    ? {
        endpoint: endpointOverride,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }
    : {};
}

/**
 * The endpoint override the AWS SDK itself honours (`AWS_ENDPOINT_URL_S3`, then
 * `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true). The shell passes its
 * environment in; the SDK would find the same value, this only lets rollcall know that path-style
 * addressing is needed.
 */
export function s3EndpointOverride(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}
