import type { SiteStore } from './store.ts';
import type { PeriscopeV2Role, PeriscopeV2User } from './types.ts';

/**
 * The records as the API sends them. The only difference from the stored form is the
 * `rolesWithoutIds` quirk: a role without a dashboard grant comes without `id`, and since its id
 * then appears nowhere, users name that role by its name.
 */

export function servedRole(store: SiteStore, role: PeriscopeV2Role): Record<string, unknown> {
  const body = {
    name: role.name,
    description: role.description,
    privileges: role.privileges.map((p) => ({ object_type: p.object_type, permissions: [...p.permissions] })),
    permissions: role.permissions.map((p) => ({
      object_type: p.object_type,
      object_id: p.object_id,
      permissions: [...p.permissions],
    })),
  };
  return store.hidesId(role) ? body : { id: role.id, ...body };
}

export function servedUser(store: SiteStore, user: PeriscopeV2User): Record<string, unknown> {
  return {
    id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    email: user.email,
    roles: user.roles.map((id) => {
      const role = store.roles.get(id);
      return role && store.hidesId(role) ? role.name : id;
    }),
    last_login_at: user.last_login_at,
    password_updated_at: user.password_updated_at,
    tfa_enabled: user.tfa_enabled,
  };
}
