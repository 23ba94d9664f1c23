import type { PrivilegeEvidence } from '../shared/model.ts';

/**
 * The one place that decides who administers a site. A source shows it its own way (its adapter
 * declares how, and the manifest records it): groups by name (Periscope v1's "Administrators"),
 * groups whose own rights grant administration (Periscope v2 roles), or a flag on the user
 * (LumApps). `audit.privilegedGroups` adds group names, matched against a group's name or key,
 * ignoring case. A configured name that matches no group is reported, never silently ignored.
 */
export interface Privilege {
  /** The privileged keys among `groupKeys`, in the user's order; the same empty array when none. */
  among(groupKeys: readonly string[]): readonly string[];
  isPrivilegedGroup(groupKey: string): boolean;
  /** Whether the user administers the site: the source's own flag, or a privileged group. */
  isPrivilegedUser(user: PrivilegedUserFields): boolean;
  /** Whether the source's own record marks the user an administrator (LumApps). */
  flaggedBySource(user: PrivilegedUserFields): boolean;
  /**
   * Why the user is privileged, for a detail sentence: "member of Administrators, Owners",
   * "LumApps administrator"; "" when not privileged.
   */
  describe(user: PrivilegedUserFields): string;
  /** A group's name for details, falling back to its key when the snapshot has no such group. */
  nameOf(groupKey: string): string;
  /** Names from `audit.privilegedGroups` that match no group of the snapshot, as configured. */
  readonly unmatchedNames: readonly string[];
  /**
   * Why nobody can be found privileged on this snapshot (the source shows no administrators and
   * no configured group matched); undefined when privilege can be judged.
   */
  readonly unavailableReason: string | undefined;
}

/** What the decision needs of a user: the source's own flag and the user's group keys. */
export interface PrivilegedUserFields {
  readonly admin?: boolean | undefined;
  readonly groups: readonly string[];
}

/** What the decision needs of a group. */
export interface PrivilegeGroup {
  readonly key: string;
  readonly name: string;
  readonly admin?: boolean | undefined;
}

export interface PrivilegeInput {
  /** How the source shows administrators (the manifest's record, else the provider registry's). */
  readonly evidence: PrivilegeEvidence;
  /** `audit.privilegedGroups` of the site. */
  readonly configuredNames: readonly string[];
  /** The snapshot's groups. Few, so they are held. */
  readonly groups: Iterable<PrivilegeGroup>;
  /** "Trivore ID", for the unavailable reason. */
  readonly providerName: string;
}

const none: readonly string[] = [];

export function privilegeOf(input: PrivilegeInput): Privilege {
  const { evidence } = input;
  const declared = new Set(evidence.groupNames.map((name) => name.toLowerCase()));
  const configured = new Map(input.configuredNames.map((name) => [name.toLowerCase(), name]));
  const names = new Map<string, string>();
  // Few distinct group keys, many users: each key is decided once, not per membership.
  const decided = new Map<string, boolean>();
  for (const group of input.groups) {
    names.set(group.key, group.name);
    const name = group.name.toLowerCase();
    const key = group.key.toLowerCase();
    const privileged =
      (evidence.groupFlag && group.admin === true) ||
      declared.has(name) ||
      configured.has(name) ||
      configured.has(key);
    decided.set(group.key, privileged);
  }
  // A user's group missing from the groups listing can still be named by its key.
  const isPrivilegedGroup = (key: string): boolean => {
    let verdict = decided.get(key);
    if (verdict === undefined) {
      verdict = configured.has(key.toLowerCase());
      decided.set(key, verdict);
    }
    return verdict;
  };
  const among = (groupKeys: readonly string[]): readonly string[] => {
    // Most users hold no privileged group: no array is built for them.
    let found: string[] | undefined;
    for (const key of groupKeys) {
      if (!isPrivilegedGroup(key)) continue;
      if (found === undefined) found = [];
      found.push(key);
    }
    return found ?? none;
  };
  const nameOf = (key: string) => names.get(key) ?? key;
  const flagged = (user: PrivilegedUserFields) => evidence.userFlag && user.admin === true;
  const shows = evidence.userFlag || evidence.groupFlag || evidence.groupNames.length > 0;
  return {
    among,
    isPrivilegedGroup,
    isPrivilegedUser: (user) => flagged(user) || among(user.groups).length > 0,
    flaggedBySource: flagged,
    describe(user) {
      const groups = among(user.groups);
      const reasons: string[] = [];
      if (flagged(user)) reasons.push(`${input.providerName} administrator`);
      if (groups.length > 0) reasons.push(`member of ${groups.map(nameOf).join(', ')}`);
      return reasons.join(', ');
    },
    nameOf,
    unmatchedNames: unmatchedNames(input.configuredNames, names),
    unavailableReason:
      shows || [...decided.values()].some(Boolean)
        ? undefined
        : `${input.providerName} shows administrators as ${evidence.shownBy}, and no group named in audit.privilegedGroups exists in this snapshot`,
  };
}

/** The configured names (as written) that are neither the name nor the key of any group, ignoring case. */
export function unmatchedNames(
  configuredNames: readonly string[],
  groupNames: ReadonlyMap<string, string>,
): string[] {
  const present = new Set<string>();
  for (const [key, name] of groupNames) present.add(key.toLowerCase()).add(name.toLowerCase());
  return [...new Set(configuredNames)].filter((name) => !present.has(name.toLowerCase()));
}

/** "Administrators, Owners" for a detail sentence. */
export function groupList(privilege: Privilege, keys: readonly string[]): string {
  return keys.map((key) => privilege.nameOf(key)).join(', ');
}

/**
 * One line per configured privileged group that matches nothing, naming the site and the group:
 * said by `validate`, `audit`, summary.json and report.html alike.
 */
export function unmatchedPrivilegedGroupWarnings(
  siteId: string,
  unmatchedNames: readonly string[],
): string[] {
  return unmatchedNames.map(
    (name) =>
      `Site ${siteId}: privileged group "${name}" (audit.privilegedGroups) matches no group on the site, so nobody is found privileged through it.`,
  );
}
