import type { CanonicalGroup, CanonicalUser } from '../shared/model.ts';

/**
 * Finds the live counterpart of a snapshot record. By key first; then, because a re-created user
 * or group gets a new id on most providers, by e-mail (users) or name (groups) — which is also
 * what makes a second restore find what the first one created.
 */
export class LiveIndex {
  private readonly usersByKey = new Map<string, CanonicalUser>();
  private readonly usersByEmail = new Map<string, CanonicalUser>();
  private readonly groupsByKey = new Map<string, CanonicalGroup>();
  private readonly groupsByName = new Map<string, CanonicalGroup>();

  constructor(users: Iterable<CanonicalUser>, groups: Iterable<CanonicalGroup>) {
    for (const user of users) {
      this.usersByKey.set(user.key, user);
      if (user.email) this.usersByEmail.set(user.email.toLowerCase(), user);
    }
    for (const group of groups) {
      this.groupsByKey.set(group.key, group);
      this.groupsByName.set(group.name.toLowerCase(), group);
    }
  }

  user(snapshotUser: CanonicalUser): CanonicalUser | undefined {
    return (
      this.usersByKey.get(snapshotUser.key) ??
      (snapshotUser.email ? this.usersByEmail.get(snapshotUser.email.toLowerCase()) : undefined)
    );
  }

  group(snapshotGroup: CanonicalGroup): CanonicalGroup | undefined {
    return this.groupsByKey.get(snapshotGroup.key) ?? this.groupsByName.get(snapshotGroup.name.toLowerCase());
  }
}
