import { startPeriscopeV1Emulator } from '../../../dev/emulators/periscope-v1/index.ts';
import { periscopeV1 } from '../../../functions/providers/periscope-v1/adapter.ts';
import type { ProviderAdapter } from '../../../functions/providers/port.ts';
import { compareKeys, type GroupFields, type UserFields } from '../../../functions/shared/model.ts';
import type { ProviderHarness } from '../harness.ts';

const byKey = (a: { key: string }, b: { key: string }) => compareKeys(a.key, b.key);

/** Periscope v1: e-mail keyed users, groups by name, no status (every user is `unknown`). */
export const periscopeV1Harness: ProviderHarness = {
  adapter: periscopeV1 as ProviderAdapter<unknown>,
  pageSize: 100,
  // v1 has no status field: there is no inactive state to add.
  inactiveStatuses: [],
  async start(options) {
    // `groups` counts groups besides "All Users" and "Administrators", which every site has.
    const site = await startPeriscopeV1Emulator({
      users: options.users,
      groups: options.groups + 2,
      ...(options.faults ? { faults: options.faults } : {}),
    });
    return {
      baseUrl: site.url,
      credentials: { site: site.site, apiKey: site.apiKey },
      wrongCredentials: { site: site.site, apiKey: `${site.apiKey}-revoked` },
      expected() {
        const users: UserFields[] = site.state.users().map((user) => ({
          key: user.email.toLowerCase(),
          email: user.email,
          firstName: user.first_name,
          lastName: user.last_name,
          status: 'unknown',
          groups: [...new Set(user.groups)].sort(compareKeys),
          lastLoginAt: user.last_login_at && new Date(user.last_login_at).toISOString(),
          passwordUpdatedAt: user.password_updated_at && new Date(user.password_updated_at).toISOString(),
          mfaEnabled: user.tfa_enabled,
        }));
        const members = new Map<string, number>();
        for (const user of users)
          for (const group of user.groups) members.set(group, (members.get(group) ?? 0) + 1);
        const groups: GroupFields[] = site.state.groups().map((group) => ({
          key: group.name,
          name: group.name,
          access: group.access,
          memberCount: members.get(group.name) ?? 0,
        }));
        return { users: users.sort(byKey), groups: groups.sort(byKey) };
      },
      setFaults: (faults) => site.setFaults(faults),
      close: () => site.close(),
    };
  },
};
