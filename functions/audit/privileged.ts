/**
 * Which of a user's groups are privileged. Settings list group NAMES (people write
 * "Administrators"), while users carry group KEYS, so a key counts when its name or the key itself
 * equals a listed name, ignoring case.
 */
export interface PrivilegedGroups {
  /** The privileged keys among `groupKeys`, in the user's order; the same empty array when none. */
  among(groupKeys: readonly string[]): readonly string[];
  /** A group's name for details, falling back to its key when the snapshot has no such group. */
  nameOf(groupKey: string): string;
}

const none: readonly string[] = [];

export function privilegedGroups(
  listedNames: readonly string[],
  groupNames: ReadonlyMap<string, string>,
): PrivilegedGroups {
  const wanted = new Set(listedNames.map((name) => name.toLowerCase()));
  // Few distinct group keys, many users: decide each key once instead of lower-casing per membership.
  const decided = new Map<string, boolean>();
  for (const [key, name] of groupNames) {
    decided.set(key, wanted.has(name.toLowerCase()) || wanted.has(key.toLowerCase()));
  }
  const isPrivileged = (key: string): boolean => {
    let verdict = decided.get(key);
    if (verdict === undefined) {
      verdict = wanted.has(key.toLowerCase());
      decided.set(key, verdict);
    }
    return verdict;
  };

  return {
    among(groupKeys) {
      // Most users hold no privileged group: no array is built for them.
      let found: string[] | undefined;
      for (const key of groupKeys) {
        if (!isPrivileged(key)) continue;
        if (found === undefined) found = [];
        found.push(key);
      }
      return found ?? none;
    },
    nameOf: (groupKey) => groupNames.get(groupKey) ?? groupKey,
  };
}

/** "Administrators, Owners" for a detail sentence. */
export function groupList(groups: PrivilegedGroups, keys: readonly string[]): string {
  return keys.map((key) => groups.nameOf(key)).join(', ');
}
