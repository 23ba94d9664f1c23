/**
 * How a history finds its subject in a run. A user matches by key (exact), by provider id (exact)
 * or by e-mail (case-insensitive); a group by key (exact) or by name (case-insensitive). When more
 * than one record of a run matches, the best kind of match wins (key, then id, then e-mail or
 * name), then the smallest key, so the same data always gives the same answer.
 */

/** 0 key, 1 id, 2 e-mail; `undefined` when the user does not match. */
export function userMatchRank(
  user: { readonly key: string; readonly id?: string; readonly email?: string },
  query: string,
): number | undefined {
  if (user.key === query) return 0;
  if (user.id !== undefined && user.id === query) return 1;
  if (user.email !== undefined && user.email.toLowerCase() === query.toLowerCase()) return 2;
  return undefined;
}

/** 0 key, 1 name; `undefined` when the group does not match. */
export function groupMatchRank(
  group: { readonly key: string; readonly name: string },
  query: string,
): number | undefined {
  if (group.key === query) return 0;
  if (group.name.toLowerCase() === query.toLowerCase()) return 1;
  return undefined;
}

/**
 * What every line of a matching record contains, in its canonical fields (before `raw`): the
 * query as JSON spells it, compared in lower case. Lines without it are never parsed, which is
 * most of the time spent reading a snapshot.
 */
export function lineSearch(query: string): { readonly needle: string; readonly caseInsensitive: true } {
  return { needle: JSON.stringify(query).slice(1, -1).toLowerCase(), caseInsensitive: true };
}

/** What the line of a user who lists the group `groupKey` contains: the key as a JSON string, exactly. */
export function memberLineSearch(groupKey: string): {
  readonly needle: string;
  readonly caseInsensitive: false;
} {
  return { needle: JSON.stringify(groupKey), caseInsensitive: false };
}
