import { StoreError } from './store-error.ts';

/**
 * Marks a file store's in-flight writes. Listings skip such names and keys may not use them, so a
 * half-written object is never mistaken for a real one.
 */
export const TEMPORARY_NAME_MARKER = '.rollcall-tmp-';

/**
 * Rejects keys that could escape the store's root or mean different things in different stores:
 * absolute paths, `.`/`..` and empty segments, backslashes and NUL. Both adapters apply the same
 * rule so a key that works against s3:// also works against file:// and the other way round.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new StoreError(`invalid object key ${JSON.stringify(key)}: ${problem}`);
}

/**
 * A listing prefix may end anywhere (`snapshots/site=acme/date=2026-`); its complete segments must
 * follow the key rule.
 */
export function assertValidPrefix(prefix: string): void {
  const problem = prefix.startsWith('/')
    ? 'it is absolute (starts with "/")'
    : /[\\\0]/.test(prefix)
      ? 'it contains a backslash or NUL character'
      : prefixDirectoryProblem(prefix);
  if (problem) throw new StoreError(`invalid listing prefix ${JSON.stringify(prefix)}: ${problem}`);
}

function prefixDirectoryProblem(prefix: string): string | undefined {
  const directory = prefix.slice(0, prefix.lastIndexOf('/'));
  return prefix.includes('/') ? keyProblem(directory) : undefined;
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'it is empty';
  if (key.startsWith('/')) return 'it is absolute (starts with "/")';
  if (/^[A-Za-z]:(\/|$)/.test(key)) return 'it is an absolute Windows path';
  if (key.includes('\\')) return 'it contains a backslash';
  if (key.includes('\0')) return 'it contains a NUL character';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty path segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return `it has a "${segment}" path segment`;
    if (segment.startsWith(TEMPORARY_NAME_MARKER))
      return `its names may not start with ${TEMPORARY_NAME_MARKER}`;
  }
  return undefined;
}
