import { type LumAppsUser, startLumAppsEmulator } from '../../../dev/emulators/lumapps/index.ts';
import { lumapps } from '../../../functions/providers/lumapps/adapter.ts';
import type { ProviderAdapter } from '../../../functions/providers/port.ts';
import { compareKeys, type GroupFields, type UserFields } from '../../../functions/shared/model.ts';
import type { ProviderHarness } from '../harness.ts';

const byKey = (a: { key: string }, b: { key: string }) => compareKeys(a.key, b.key);

/** The API's naive timestamps are UTC; Date reads a `Z`-suffixed one with microseconds to the millisecond. */
const utc = (naive: string): string => new Date(`${naive}Z`).toISOString();

/** A feed membership is a LIVE subscription (the schema's default when the status is left out). */
const memberships = (user: LumAppsUser): string[] =>
  [
    ...new Set(
      user.subscriptions
        .filter((s) => (s.status ?? 'LIVE') === 'LIVE')
        .map((subscription) => subscription.feed),
    ),
  ].sort(compareKeys);

/**
 * LumApps: users keyed by id, feeds as groups keyed by id, `disabled` the only inactive status
 * (hidden users are active), no last login, MFA or password date.
 */
export const lumappsHarness: ProviderHarness = {
  adapter: lumapps as ProviderAdapter<unknown>,
  // The connector asks for maxResults=100 and the emulator serves pages up to 100.
  pageSize: 100,
  inactiveStatuses: ['disabled'],
  async start(options) {
    const site = await startLumAppsEmulator({
      // An organisation always has the admin the token acts as: an "empty" site is that one user.
      users: Math.max(1, options.users),
      feeds: options.groups,
      hiddenUsers: options.inactiveUsers ? 3 : 0,
      disabledUsers: options.inactiveUsers ? 4 : 0,
      pageSize: 100,
      ...(options.faults ? { faults: options.faults } : {}),
    });
    return {
      baseUrl: site.url,
      credentials: site.credentials,
      wrongCredentials: { ...site.credentials, clientSecret: `${site.clientSecret}-revoked` },
      expected() {
        const users: UserFields[] = site.state.users().map((user) => ({
          key: user.id,
          id: user.id,
          email: user.email,
          firstName: user.firstName,
          lastName: user.lastName,
          status: user.status === 'disabled' ? 'disabled' : 'active',
          groups: memberships(user),
          createdAt: utc(user.createdAt),
          admin: user.isSuperAdmin || user.instancesSuperAdmin.length > 0,
        }));
        const members = new Map<string, number>();
        for (const user of users)
          for (const group of user.groups) members.set(group, (members.get(group) ?? 0) + 1);
        const groups: GroupFields[] = site.state.feeds().map((feed) => ({
          key: feed.id,
          id: feed.id,
          name: feed.name,
          memberCount: members.get(feed.id) ?? 0,
        }));
        return { users: users.sort(byKey), groups: groups.sort(byKey) };
      },
      setFaults: (faults) => site.setFaults(faults),
      close: () => site.close(),
    };
  },
};
