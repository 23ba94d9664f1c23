import { ADMINISTRATORS, type PeriscopeV1State } from '../emulators/periscope-v1/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The demo site's size and seed: the same two-night story every time (see overnight-changes.ts). */
export const demoSiteOptions = { users: 2500, groups: 40, seed: 1 } as const;

/**
 * The demo site's audit settings: one standing exception and one that has expired, as an auditor
 * would see them. Shared by `npm start` and the browser test that opens the demo's report.
 */
export function demoAuditSettings(state: PeriscopeV1State, today: Date) {
  const noTwoFactor = state.users().filter((user) => !user.tfa_enabled);
  const [serviceAccount, contractor] = noTwoFactor.filter((user) => !user.groups.includes(ADMINISTRATORS));
  return {
    exceptions: [
      ...(serviceAccount
        ? [
            {
              user: serviceAccount.email,
              rule: 'mfa-missing',
              reason: 'API-only reporting account, no interactive login',
              owner: 'it-security@rollcall-demo.example',
              expires: `${today.getUTCFullYear() + 1}-03-31`,
            },
          ]
        : []),
      ...(contractor
        ? [
            {
              user: contractor.email,
              rule: 'mfa-missing',
              reason: 'contractor onboarding, hardware key on order',
              owner: 'it-security@rollcall-demo.example',
              expires: new Date(today.getTime() - 10 * DAY_MS).toISOString().slice(0, 10),
            },
          ]
        : []),
    ],
  };
}
