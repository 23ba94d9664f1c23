import type { RollcallConfig } from '../functions/config/schema.ts';
import { parseS3Uri } from '../functions/store/create-store.ts';

/** Where the stack keeps the archive: the config's `s3://` store, or a bucket named by CloudFormation. */
export interface ArchiveLocation {
  /** The bucket name of an `s3://` store; absent for a `file://` store. */
  readonly bucketName?: string;
  /** The key prefix under which rollcall's layout starts: empty, or ending with `/`. */
  readonly keyPrefix: string;
}

export function archiveLocation(config: RollcallConfig): ArchiveLocation {
  if (!config.store.startsWith('s3://')) return { keyPrefix: '' };
  const { bucket, prefix } = parseS3Uri(config.store);
  return { bucketName: bucket, keyPrefix: prefix === '' ? '' : `${prefix}/` };
}
