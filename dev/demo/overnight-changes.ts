import {
  ADMINISTRATORS,
  ALL_USERS,
  type PeriscopeV1State,
  type PeriscopeV1User,
} from '../emulators/periscope-v1/index.ts';

/** What a realistic day on a site looks like to an audit: each list names the users it touched. */
export interface OvernightChanges {
  readonly deleted: readonly string[];
  readonly added: readonly string[];
  readonly madeAdministrators: readonly string[];
  readonly removedGroup: { readonly name: string; readonly members: number };
  readonly twoFactorSwitchedOff: readonly string[];
  /** Users who logged in during the day: activity, not changes. */
  readonly loggedIn: readonly string[];
}

/** Counts of each kind of change `applyOvernightChanges` makes. */
export const overnightChangeCounts = {
  deleted: 12,
  added: 8,
  madeAdministrators: 3,
  twoFactorSwitchedOff: 2,
  loggedIn: 25,
};

/**
 * A day's worth of changes, applied straight to the emulator's state: some users leave, a few
 * new hires join (never logged in, no two-factor yet), three people are made administrators, a
 * small team's group is removed (small enough not to look like a mass delete), two people switch
 * two-factor off (one of them an administrator) and a couple of dozen log in.
 * Deterministic: the same site data always gets the same changes.
 */
export function applyOvernightChanges(state: PeriscopeV1State, today: Date): OvernightChanges {
  const users = state.users();
  const ordinary = users.filter((user) => !user.groups.includes(ADMINISTRATORS));
  // Spread over the whole alphabet, never the same user twice.
  const pick = (from: readonly PeriscopeV1User[], count: number, offset: number) => {
    const step = Math.max(1, Math.floor(from.length / count));
    return Array.from(
      { length: Math.min(count, from.length) },
      (_, index) => from[(offset + index * step) % from.length] as PeriscopeV1User,
    );
  };

  const leavers = pick(ordinary, overnightChangeCounts.deleted, 5);
  for (const user of leavers) state.removeUser(user.email);

  const remaining = state.users().filter((user) => !user.groups.includes(ADMINISTRATORS));
  const promoted = pick(remaining, overnightChangeCounts.madeAdministrators, 11);
  for (const user of promoted) state.updateUser(user.email, { groups: [...user.groups, ADMINISTRATORS] });

  const admin = state.users().find((user) => user.groups.includes(ADMINISTRATORS) && user.tfa_enabled);
  const other = state.users().find((user) => !user.groups.includes(ADMINISTRATORS) && user.tfa_enabled);
  const switchedOff = [admin, other].filter((user) => user !== undefined);
  for (const user of switchedOff) state.updateUser(user.email, { tfa_enabled: false });

  const touched = new Set([...promoted, ...switchedOff].map((user) => user.email));
  const active = pick(
    state.users().filter((user) => !touched.has(user.email)),
    overnightChangeCounts.loggedIn,
    3,
  );
  const loginAt = new Date(today.getTime() - 6 * 60 * 60 * 1000).toISOString();
  for (const user of active) state.updateUser(user.email, { last_login_at: loginAt });

  const newcomers = Array.from({ length: overnightChangeCounts.added }, (_, index) => ({
    first_name: `New`,
    last_name: `Hire ${index + 1}`,
    email: `new.hire.${index + 1}@rollcall-demo.example`,
    groups: [ALL_USERS],
    last_login_at: null,
    password_updated_at: today.toISOString(),
    tfa_enabled: false,
  }));
  for (const user of newcomers) state.addUser(user);

  const group = state
    .groups()
    .filter((candidate) => candidate.name !== ALL_USERS && candidate.name !== ADMINISTRATORS)
    .map((candidate) => ({
      name: candidate.name,
      members: state.users().filter((user) => user.groups.includes(candidate.name)).length,
    }))
    .filter((candidate) => candidate.members > 0)
    .sort((a, b) => a.members - b.members)[0];
  if (!group) throw new Error('the demo site needs a group besides All Users and Administrators');
  state.removeGroup(group.name);

  return {
    deleted: leavers.map((user) => user.email),
    added: newcomers.map((user) => user.email),
    madeAdministrators: promoted.map((user) => user.email),
    removedGroup: group,
    twoFactorSwitchedOff: switchedOff.map((user) => user.email),
    loggedIn: active.map((user) => user.email),
  };
}
