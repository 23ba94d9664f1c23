import type { CanonicalGroup, CanonicalUser } from '../shared/model.ts';
import { compareKeys } from '../shared/model.ts';
import { NOTHING_RESTORES } from './cannot-restore.ts';
import { LiveIndex } from './live-match.ts';
import type { RestoreCapabilities, RestoreStep } from './port.ts';

/** What the administrator asked to put back. */
export interface RestoreSelection {
  /** E-mail (any case), key or provider id of users in the snapshot. */
  readonly users: readonly string[];
  /** Name (any case) or key of groups in the snapshot. */
  readonly groups: readonly string[];
  /**
   * Everything present in this reference (the keys of a snapshot's users and groups) that later
   * snapshots show deleted (`deleted`), or that is missing from the site now. Selected users and
   * groups that exist on the site get back the memberships they lack.
   */
  readonly deletedSince?: {
    readonly users: ReadonlySet<string>;
    readonly groups: ReadonlySet<string>;
    readonly deleted: { readonly users: ReadonlySet<string>; readonly groups: ReadonlySet<string> };
  };
  /** Re-add lost memberships of users who still exist (all of them, or the selected ones). */
  readonly memberships: boolean;
}

export interface PlanInput {
  readonly snapshot: { readonly users: readonly CanonicalUser[]; readonly groups: readonly CanonicalGroup[] };
  readonly live: { readonly users: readonly CanonicalUser[]; readonly groups: readonly CanonicalGroup[] };
  readonly selection: RestoreSelection;
  readonly capabilities: RestoreCapabilities;
}

export interface PlannedStep {
  /** 1-based, in execution order. */
  readonly number: number;
  readonly step: RestoreStep;
  /** For people: "create group Sales (access: View)". */
  readonly summary: string;
}

export interface RestorePlan {
  readonly steps: readonly PlannedStep[];
  /** Selected things the plan does nothing about, and why (already there, not supported…). */
  readonly skipped: readonly { readonly subject: string; readonly reason: string }[];
  /** Selectors that name nothing in the snapshot. */
  readonly unmatched: readonly string[];
  readonly cannotRestore: readonly string[];
  /**
   * The snapshot keys `--deleted-since` selected (with it only). Kept in the restore's record, so
   * a rerun after an interruption still selects what this run re-created.
   */
  readonly deletedSince?: { readonly users: readonly string[]; readonly groups: readonly string[] };
  readonly counts: {
    readonly groupsToCreate: number;
    readonly usersToCreate: number;
    readonly usersToEnable: number;
    readonly membershipsToAdd: number;
  };
}

/**
 * Compares the snapshot with the live site and plans, in dependency order, what to create and
 * add back: groups first (with their access), then users (with their groups), then lost
 * memberships. Pure: the same inputs always give the same plan.
 */
export function buildRestorePlan(input: PlanInput): RestorePlan {
  const { snapshot, selection, capabilities } = input;
  const live = new LiveIndex(input.live.users, input.live.groups);
  const groupsByKey = new Map(snapshot.groups.map((group) => [group.key, group]));
  const skipped: { subject: string; reason: string }[] = [];
  const unmatched: string[] = [];

  const chosenUsers = new Map<string, CanonicalUser>();
  const chosenGroups = new Map<string, CanonicalGroup>();
  for (const selector of selection.users) {
    const user = findUser(snapshot.users, selector);
    if (user) chosenUsers.set(user.key, user);
    else unmatched.push(`user ${selector}`);
  }
  for (const selector of selection.groups) {
    const group = findGroup(snapshot.groups, selector);
    if (group) chosenGroups.set(group.key, group);
    else unmatched.push(`group ${selector}`);
  }
  const reference = selection.deletedSince;
  const deletedUsers = new Set<string>();
  const deletedGroups = new Set<string>();
  if (reference) {
    for (const user of snapshot.users) {
      if (!reference.users.has(user.key)) continue;
      if (reference.deleted.users.has(user.key) || isGone(user, live.user(user), capabilities)) {
        chosenUsers.set(user.key, user);
        deletedUsers.add(user.key);
      }
    }
    for (const group of snapshot.groups) {
      if (!reference.groups.has(group.key)) continue;
      if (reference.deleted.groups.has(group.key) || !live.group(group)) {
        chosenGroups.set(group.key, group);
        deletedGroups.add(group.key);
      }
    }
  }

  // Groups: the chosen ones, and any a user to restore needs that is gone from the site.
  const groupsToCreate = new Map<string, { group: CanonicalGroup; neededBy?: string }>();
  const exists = (key: string) => {
    const group = groupsByKey.get(key);
    return group !== undefined && (live.group(group) !== undefined || groupsToCreate.has(key));
  };
  const needGroup = (key: string, neededBy: string): void => {
    const group = groupsByKey.get(key);
    if (!group || live.group(group) || groupsToCreate.has(key)) return;
    if (capabilities.createsGroups) groupsToCreate.set(key, { group, neededBy });
  };
  for (const group of chosenGroups.values()) {
    if (live.group(group)) skipped.push({ subject: `group ${group.name}`, reason: 'exists on the site' });
    else if (!capabilities.createsGroups) {
      skipped.push({ subject: `group ${group.name}`, reason: 'this provider cannot create groups' });
    } else groupsToCreate.set(group.key, { group });
  }

  const userSteps: RestoreStep[] = [];
  const membershipSteps: RestoreStep[] = [];
  const addLost = (user: CanonicalUser, liveUser: CanonicalUser, only?: ReadonlySet<string>) => {
    const liveKeys = new Set(liveUser.groups);
    const lost = user.groups.filter((key) => {
      if (only && !only.has(key)) return false;
      const group = groupsByKey.get(key);
      const liveGroup = group ? live.group(group) : undefined;
      return liveGroup ? !liveKeys.has(liveGroup.key) : group !== undefined;
    });
    if (lost.length === 0) return;
    if (!capabilities.addsMemberships) {
      skipped.push({ subject: `user ${label(user)}`, reason: 'this provider cannot add memberships' });
      return;
    }
    for (const key of lost) needGroup(key, label(user));
    const reachable = lost.filter(exists);
    if (reachable.length === 0) return;
    membershipSteps.push({
      kind: 'add-memberships',
      user,
      liveKey: liveUser.key,
      liveGroups: liveUser.groups,
      groups: reachable,
    });
  };

  for (const user of [...chosenUsers.values()].sort(byEmail)) {
    const liveUser = live.user(user);
    if (!liveUser) {
      if (!capabilities.createsUsers) {
        skipped.push({ subject: `user ${label(user)}`, reason: 'this provider cannot create users' });
        continue;
      }
      for (const key of user.groups) needGroup(key, label(user));
      userSteps.push({ kind: 'create-user', user, groups: user.groups.filter(exists) });
      continue;
    }
    if (liveUser.status === 'disabled' && user.status === 'active') {
      if (capabilities.enablesUsers) userSteps.push({ kind: 'enable-user', user, liveKey: liveUser.key });
      else
        skipped.push({
          subject: `user ${label(user)}`,
          reason: 'disabled on the site; this provider cannot enable it',
        });
    } else if (!selection.memberships) {
      skipped.push({ subject: `user ${label(user)}`, reason: 'exists on the site' });
    }
    addLost(user, liveUser);
  }

  if (selection.memberships) {
    for (const user of [...snapshot.users].sort(byEmail)) {
      if (chosenUsers.has(user.key)) continue;
      const liveUser = live.user(user);
      if (liveUser) addLost(user, liveUser);
    }
  } else {
    // A chosen group gets back the members it had who still exist.
    for (const group of chosenGroups.values()) {
      for (const user of [...snapshot.users].sort(byEmail)) {
        if (chosenUsers.has(user.key) || !user.groups.includes(group.key)) continue;
        const liveUser = live.user(user);
        if (liveUser) addLost(user, liveUser, new Set([group.key]));
      }
    }
  }

  const groupSteps: RestoreStep[] = [...groupsToCreate.values()]
    .sort((a, b) => compareKeys(a.group.name, b.group.name))
    .map(({ group }) => ({ kind: 'create-group', group }));
  const ordered = [...groupSteps, ...userSteps, ...mergeMemberships(membershipSteps)];
  const steps = ordered.map((step, index) => ({
    number: index + 1,
    step,
    summary: summarize(step, groupsByKey, groupsToCreate),
  }));
  return {
    steps,
    skipped,
    unmatched,
    cannotRestore: [...NOTHING_RESTORES, ...capabilities.cannotRestore],
    ...(reference === undefined
      ? {}
      : { deletedSince: { users: [...deletedUsers].sort(), groups: [...deletedGroups].sort() } }),
    counts: {
      groupsToCreate: groupSteps.length,
      usersToCreate: userSteps.filter((step) => step.kind === 'create-user').length,
      usersToEnable: userSteps.filter((step) => step.kind === 'enable-user').length,
      membershipsToAdd: ordered.reduce(
        (sum, step) => sum + (step.kind === 'add-memberships' ? step.groups.length : 0),
        0,
      ),
    },
  };
}

/** Gone: not on the site, or disabled there while it was active in the snapshot (LumApps deletes that way). */
function isGone(
  user: CanonicalUser,
  liveUser: CanonicalUser | undefined,
  capabilities: RestoreCapabilities,
): boolean {
  if (!liveUser) return true;
  return capabilities.enablesUsers && liveUser.status === 'disabled' && user.status === 'active';
}

/** One membership step per user, even when several selections found lost groups for them. */
function mergeMemberships(steps: readonly RestoreStep[]): RestoreStep[] {
  const byUser = new Map<string, Extract<RestoreStep, { kind: 'add-memberships' }>>();
  for (const step of steps) {
    if (step.kind !== 'add-memberships') continue;
    const earlier = byUser.get(step.liveKey);
    byUser.set(
      step.liveKey,
      earlier ? { ...earlier, groups: [...new Set([...earlier.groups, ...step.groups])] } : step,
    );
  }
  return [...byUser.values()];
}

function findUser(users: readonly CanonicalUser[], selector: string): CanonicalUser | undefined {
  const lower = selector.toLowerCase();
  return users.find(
    (user) => user.key === selector || user.id === selector || user.email?.toLowerCase() === lower,
  );
}

function findGroup(groups: readonly CanonicalGroup[], selector: string): CanonicalGroup | undefined {
  const lower = selector.toLowerCase();
  return groups.find((group) => group.key === selector || group.name.toLowerCase() === lower);
}

function byEmail(a: CanonicalUser, b: CanonicalUser): number {
  return compareKeys(label(a).toLowerCase(), label(b).toLowerCase()) || compareKeys(a.key, b.key);
}

export function label(user: CanonicalUser): string {
  return user.email ?? user.key;
}

function summarize(
  step: RestoreStep,
  groups: ReadonlyMap<string, CanonicalGroup>,
  created: ReadonlyMap<string, { neededBy?: string }>,
): string {
  const names = (keys: readonly string[]) =>
    keys.map((key) => groups.get(key)?.name ?? key).join(', ') || 'none';
  switch (step.kind) {
    case 'create-group': {
      const neededBy = created.get(step.group.key)?.neededBy;
      const access = step.group.access === undefined ? '' : ` (access: ${step.group.access})`;
      return `create group ${step.group.name}${access}${neededBy ? ` — needed by ${neededBy}` : ''}`;
    }
    case 'create-user':
      return `create user ${label(step.user)}${fullName(step.user)} in ${names(step.groups)}`;
    case 'enable-user':
      return `enable user ${label(step.user)}${fullName(step.user)}`;
    case 'add-memberships':
      return `add ${label(step.user)} to ${names(step.groups)}`;
  }
}

function fullName(user: CanonicalUser): string {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return name ? ` (${name})` : '';
}
