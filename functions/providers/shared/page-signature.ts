import { createHash } from 'node:crypto';

/**
 * A page's keys, in order, as one short hash: remembering a hash per page lets a listing notice a
 * page served twice without keeping the keys, so what it keeps scales with pages, not records.
 */
export function pageSignature(keys: readonly string[]): string {
  const hash = createHash('sha1');
  for (const key of keys) hash.update(key).update('\n');
  return hash.digest('base64');
}
