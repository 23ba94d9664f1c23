import { startPeriscopeV2Emulator } from '../../../dev/emulators/periscope-v2/index.ts';
import { periscopeV2 } from '../../../functions/providers/periscope-v2/adapter.ts';
import type { ProviderAdapter } from '../../../functions/providers/port.ts';
import { compareKeys, type GroupFields, type UserFields } from '../../../functions/shared/model.ts';
import type { ProviderHarness } from '../harness.ts';

const byKey = (a: { key: string }, b: { key: string }) => compareKeys(a.key, b.key);

/**
 * Periscope v2 (RBAC): id-keyed users, roles as groups, no status (every user is `unknown`).
 * The site serves id-less roles (the community-reported quirk), so every run also proves that
 * roles without an id are keyed `name:<name>` and that users' memberships of them survive.
 */
export const periscopeV2Harness: ProviderHarness = {
  adapter: periscopeV2 as ProviderAdapter<unknown>,
  pageSize: 100,
  // v2 has no status field: there is no inactive state to add.
  inactiveStatuses: [],
  async start(options) {
    // `groups` counts roles besides "Everyone" and "Admin", which every site has.
    const site = await startPeriscopeV2Emulator({
      users: options.users,
      roles: options.groups + 2,
      dashboards: 130,
      rolesWithoutIds: true,
      ...(options.faults ? { faults: options.faults } : {}),
    });
    return {
      baseUrl: site.url,
      credentials: { site: site.site, apiKey: site.apiKey },
      wrongCredentials: { site: site.site, apiKey: `${site.apiKey}-revoked` },
      expected() {
        const roles = site.state.roles();
        // The emulator's rule, restated: with the quirk on, a role without a dashboard grant has no id.
        const hidden = (role: (typeof roles)[number]) =>
          site.state.rolesWithoutIds && !role.permissions.some((grant) => grant.object_type === 'Dashboard');
        const keyOf = new Map(roles.map((role) => [role.id, hidden(role) ? `name:${role.name}` : role.id]));
        const users: UserFields[] = site.state.users().map((user) => ({
          key: user.id,
          id: user.id,
          email: user.email,
          firstName: user.first_name,
          lastName: user.last_name,
          status: 'unknown',
          groups: [...new Set(user.roles.map((id) => keyOf.get(id) ?? id))].sort(compareKeys),
          lastLoginAt: user.last_login_at && new Date(user.last_login_at).toISOString(),
          passwordUpdatedAt: user.password_updated_at && new Date(user.password_updated_at).toISOString(),
          mfaEnabled: user.tfa_enabled,
        }));
        const members = new Map<string, number>();
        for (const user of users)
          for (const group of user.groups) members.set(group, (members.get(group) ?? 0) + 1);
        const groups: GroupFields[] = roles.map((role) => {
          const key = keyOf.get(role.id) ?? role.id;
          const rights = new Map<string, Set<string>>();
          for (const privilege of role.privileges) {
            const set = rights.get(privilege.object_type) ?? new Set<string>();
            for (const permission of privilege.permissions) set.add(permission);
            rights.set(privilege.object_type, set);
          }
          const access = [...rights.entries()]
            .filter(([, set]) => set.size > 0)
            .sort(([a], [b]) => compareKeys(a, b))
            .map(([type, set]) => `${type}: ${[...set].sort(compareKeys).join(', ')}`)
            .join('; ');
          return {
            key,
            ...(hidden(role) ? {} : { id: role.id }),
            name: role.name,
            access,
            description: role.description,
            memberCount: members.get(key) ?? 0,
            // The emulator's "Admin" role manages the site through a privilege on the Site itself.
            admin: role.privileges.some((privilege) => privilege.object_type === 'Site'),
          };
        });
        return { users: users.sort(byKey), groups: groups.sort(byKey) };
      },
      setFaults: (faults) => site.setFaults(faults),
      close: () => site.close(),
    };
  },
};
