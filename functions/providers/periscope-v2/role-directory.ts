import type { RoleRecord, RoleReference } from './schemas.ts';

/** Prefix of the key of a role the API sent without an id. */
export const nameKeyPrefix = 'name:';

/**
 * A role's canonical key: its id, or `name:<name>` for a role the API sent without one (the
 * community-reported quirk of roles without a dashboard grant). The prefix keeps a name from ever
 * passing for another role's id.
 */
export function roleKey(role: Pick<RoleRecord, 'id' | 'name'>): string {
  return role.id == null ? `${nameKeyPrefix}${role.name}` : role.id;
}

/**
 * Turns the role references on user records into role keys. A reference is matched against the
 * listed roles' ids first, then against the names of the roles that came without an id (users
 * can only name those), then against any role's name (a server that names every role). A
 * reference that matches nothing keeps its own value as the key and is remembered, so the export
 * can say so.
 */
export class RoleDirectory {
  private readonly byId = new Map<string, string>();
  private readonly byName = new Map<string, string>();
  private readonly unresolved = new Set<string>();

  constructor(roles: readonly Pick<RoleRecord, 'id' | 'name'>[]) {
    const idless = roles.filter((role) => role.id == null);
    for (const role of roles) if (role.id != null) this.byId.set(role.id, role.id);
    for (const role of roles) if (!this.byName.has(role.name)) this.byName.set(role.name, roleKey(role));
    // Id-less roles win a name shared with a role that has an id: only they are named by users.
    for (const role of idless) this.byName.set(role.name, roleKey(role));
  }

  resolve(reference: RoleReference): string {
    if (typeof reference === 'string') return this.lookUp(reference, reference);
    if (reference.id != null) return this.lookUp(reference.id, reference.id);
    const name = reference.name as string;
    return this.byName.get(name) ?? this.remember(`${nameKeyPrefix}${name}`, name);
  }

  /** References that matched no listed role, in the order first met. */
  unresolvedReferences(): readonly string[] {
    return [...this.unresolved];
  }

  private lookUp(reference: string, fallback: string): string {
    return this.byId.get(reference) ?? this.byName.get(reference) ?? this.remember(fallback, reference);
  }

  private remember(key: string, reference: string): string {
    this.unresolved.add(reference);
    return key;
  }
}
