import { startTrivoreEmulator, type TrivoreUser } from '../../../dev/emulators/trivore/index.ts';
import type { ProviderAdapter } from '../../../functions/providers/port.ts';
import { trivore } from '../../../functions/providers/trivore/adapter.ts';
import { compareKeys, type GroupFields, type UserFields } from '../../../functions/shared/model.ts';
import type { ProviderHarness } from '../harness.ts';

const byKey = (a: { key: string }, b: { key: string }) => compareKeys(a.key, b.key);

/** The first verified address, else the first: the rule the connector documents, written out again. */
function emailOf(user: TrivoreUser): string | undefined {
  const usable = user.emails.filter((email) => email.address !== '');
  return (usable.find((email) => email.verified) ?? usable[0])?.address;
}

/**
 * Trivore ID: users and groups keyed by their platform ids, `locked` as the only status, the
 * MFA method as MFA, no last login and no password date. The connector asks for 500 a page, the
 * documented maximum, and the emulator serves at most that.
 */
export const trivoreHarness: ProviderHarness = {
  adapter: trivore as ProviderAdapter<unknown>,
  pageSize: 500,
  inactiveStatuses: ['locked'],
  async start(options) {
    const site = await startTrivoreEmulator({
      users: options.users,
      groups: options.groups,
      ...(options.faults ? { faults: options.faults } : {}),
    });
    if (options.inactiveUsers) {
      for (const [index, mfaMethod] of (['NONE', 'TOTP', 'SMS'] as const).entries()) {
        site.state.addUser({
          username: `locked.user${index}`,
          emails: [{ address: `locked.user${index}@rollcall-demo.example`, verified: index !== 1 }],
          name: { givenName: 'Locked', middleName: '', familyName: `User ${index}` },
          mfaMethod,
          locked: true,
        });
      }
    }
    return {
      baseUrl: site.url,
      credentials: site.credentials,
      wrongCredentials: { ...site.credentials, clientSecret: `${site.credentials.clientSecret}-revoked` },
      expected() {
        const users: UserFields[] = site.state.users().map((user) => {
          const email = emailOf(user);
          return {
            key: user.id,
            id: user.id,
            ...(email === undefined ? {} : { email }),
            firstName: user.name.givenName,
            lastName: user.name.familyName,
            status: user.locked ? 'locked' : 'active',
            groups: [...new Set(user.memberOf)].sort(compareKeys),
            mfaEnabled: user.mfaMethod !== 'NONE',
            createdAt: new Date(user.meta.created).toISOString(),
          };
        });
        const members = new Map<string, number>();
        for (const user of users)
          for (const group of user.groups) members.set(group, (members.get(group) ?? 0) + 1);
        const groups: GroupFields[] = site.state.groups().map((group) => ({
          key: group.id,
          id: group.id,
          name: group.name,
          ...(group.description === undefined ? {} : { description: group.description }),
          memberCount: members.get(group.id) ?? 0,
        }));
        return { users: users.sort(byKey), groups: groups.sort(byKey) };
      },
      setFaults: (faults) => site.setFaults(faults),
      close: () => site.close(),
    };
  },
};
