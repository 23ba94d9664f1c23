/** What no restore can put back, whatever the provider: said in every plan. */
export const NOTHING_RESTORES = [
  'passwords: re-created users are invited again and set a new one',
  'MFA / two-factor enrolment: re-created users enrol again',
  'last-login and password history: a re-created user looks new',
  'provider ids and timestamps (created, updated): the provider assigns new ones',
] as const;

/** The promise every plan makes, printed with it. */
export const ONLY_ADDS =
  'A restore only adds: it creates what is missing and adds lost memberships. It never deletes, renames or overwrites anything that exists on the site.';
