/** More users than this are created only when `maxUsers` says so: a typo should not invite a company. */
export const DEFAULT_MAX_USERS = 50;
