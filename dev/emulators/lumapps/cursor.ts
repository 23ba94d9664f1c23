import { createHash } from 'node:crypto';

/**
 * Datastore-style cursors: opaque to the client, they hold the position (the last id served) and
 * a fingerprint of the query they belong to. A cursor replayed with other filters is refused,
 * which is how a client that drops or changes a filter between pages finds out.
 */

/** The filters that define a query; paging options (maxResults, fields) are not part of it. */
export function queryFingerprint(
  route: string,
  filters: Readonly<Record<string, readonly string[]>>,
): string {
  const canonical = Object.keys(filters)
    .sort()
    .map((name) => `${name}=${[...(filters[name] ?? [])].sort().join(',')}`)
    .join('&');
  return createHash('sha256').update(`${route}?${canonical}`).digest('base64url').slice(0, 16);
}

export function encodeCursor(fingerprint: string, after: string): string {
  return Buffer.from(`lc1:${fingerprint}:${after}`, 'utf8').toString('base64url');
}

export type DecodedCursor =
  | { readonly ok: true; readonly after: string }
  | { readonly ok: false; readonly problem: 'malformed' | 'other-query' };

export function decodeCursor(cursor: string, fingerprint: string): DecodedCursor {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return { ok: false, problem: 'malformed' };
  const match = /^lc1:([A-Za-z0-9_-]{16}):(\d{16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) return { ok: false, problem: 'malformed' };
  if (match[1] !== fingerprint) return { ok: false, problem: 'other-query' };
  return { ok: true, after: match[2] as string };
}
