import { type CanonicalGroup, type CanonicalUser, compareKeys } from '../../shared/model.ts';
import { type RoleDirectory, roleKey } from './role-directory.ts';
import type { PermissionRecord, RoleRecord, UserRecord } from './schemas.ts';

/** v2 users have a server-generated id: it is the identity diffs key on (the e-mail is kept beside it). */
export function userKey(record: Pick<UserRecord, 'id'>): string {
  return record.id;
}

/**
 * A validated user record in the canonical model. `status` is `unknown`: the API has no status
 * field. A field the record lacks stays absent (the audit then says the record lacks it); null
 * stays null ("never"); a null name reads as an empty one, as on v1.
 */
export function toCanonicalUser(record: UserRecord, raw: unknown, roles: RoleDirectory): CanonicalUser {
  const groups = [...new Set(record.roles.map((reference) => roles.resolve(reference)))].sort(compareKeys);
  return {
    key: userKey(record),
    id: record.id,
    ...(record.email == null ? {} : { email: record.email }),
    ...(record.first_name === undefined ? {} : { firstName: record.first_name ?? '' }),
    ...(record.last_name === undefined ? {} : { lastName: record.last_name ?? '' }),
    status: 'unknown',
    groups,
    // Already normalised to UTC with Z by the schema.
    ...(record.last_login_at === undefined ? {} : { lastLoginAt: record.last_login_at }),
    ...(record.password_updated_at === undefined ? {} : { passwordUpdatedAt: record.password_updated_at }),
    ...(record.tfa_enabled === undefined ? {} : { mfaEnabled: record.tfa_enabled }),
    raw,
  };
}

/**
 * A role's role-wide rights as one comparable line, e.g. `Dashboard: create_dashboards,
 * read_dashboards`: object types and permissions sorted and de-duplicated, so a diff shows a
 * change of rights and never a change of order. Undefined when the role has no `privileges`.
 */
export function accessSummary(privileges: RoleRecord['privileges']): string | undefined {
  if (privileges === undefined) return undefined;
  const byType = new Map<string, Set<string>>();
  for (const privilege of privileges) {
    const permissions = byType.get(privilege.object_type) ?? new Set<string>();
    for (const permission of privilege.permissions) permissions.add(permission);
    byType.set(privilege.object_type, permissions);
  }
  return [...byType]
    .filter(([, permissions]) => permissions.size > 0)
    .sort(([a], [b]) => compareKeys(a, b))
    .map(([type, permissions]) => `${type}: ${[...permissions].sort(compareKeys).join(', ')}`)
    .join('; ');
}

/** Object types whose rights are over the site itself or its people, not over dashboards. */
const administeredTypes = new Set(['site', 'user', 'users', 'role', 'roles', 'settings']);

/**
 * Whether a role's role-wide privileges administer the site: rights over the site, its users or
 * its roles, or any permission named `manage_…` or `…admin…`. The vendor's examples only show
 * dashboard privileges; this reads any object type it does not know as not administrative.
 */
export function grantsAdministration(privileges: RoleRecord['privileges']): boolean {
  return (privileges ?? []).some(
    (privilege) =>
      (administeredTypes.has(privilege.object_type.toLowerCase()) && privilege.permissions.length > 0) ||
      privilege.permissions.some((permission) => /^manage_|admin/i.test(permission)),
  );
}

/** One dashboard grant of a role, with the dashboard's name from the dashboards listing. */
export interface RoleDashboard {
  readonly id: string;
  /** Null when the dashboards listing does not hold the dashboard (deleted, or the listing was cut short). */
  readonly name: string | null;
  readonly permissions: readonly string[];
}

/** The grants of a role that name a dashboard. */
export function dashboardGrants(role: RoleRecord): PermissionRecord[] {
  return (role.permissions ?? []).filter((grant) => grant.object_type.toLowerCase() === 'dashboard');
}

/**
 * A role in the canonical model. `raw` holds the role exactly as the API sent it, under `role`,
 * beside its dashboard grants with the dashboards' names (`dashboards`): the role record alone
 * names dashboards by id only.
 */
export function toCanonicalGroup(
  role: RoleRecord,
  raw: unknown,
  dashboardNames: ReadonlyMap<string, string | null>,
  memberCount: number,
): CanonicalGroup {
  const access = accessSummary(role.privileges);
  const dashboards: RoleDashboard[] = dashboardGrants(role).map((grant) => ({
    id: grant.object_id,
    name: dashboardNames.get(grant.object_id) ?? null,
    permissions: grant.permissions,
  }));
  return {
    key: roleKey(role),
    ...(role.id == null ? {} : { id: role.id }),
    name: role.name,
    ...(access === undefined ? {} : { access }),
    ...(role.description === undefined ? {} : { description: role.description ?? '' }),
    memberCount,
    admin: grantsAdministration(role.privileges),
    raw: { role: raw, dashboards },
  };
}
