/**
 * The record shapes of the LumApps v1 API (`lumsites`) as the emulator sends them: a realistic
 * subset of the discovery document's `User`, `UserSubscription` and `Feed` schemas. Optional keys
 * are sometimes left out on purpose, as the real API leaves out fields that hold their default.
 */

export type LumAppsAccountType = 'google' | 'microsoft' | 'okta' | 'external';
export const ACCOUNT_TYPES: readonly LumAppsAccountType[] = ['google', 'microsoft', 'okta', 'external'];

export type LumAppsUserStatus = 'enabled' | 'disabled';

/** A membership of the user in a feed (group). */
export interface LumAppsSubscription {
  id: string;
  /** The feed's id. */
  feed: string;
  level: string;
  /** `LIVE` (the schema's default) for a membership; `DELETED` for one that was withdrawn. */
  status: string;
  createdAt: string;
}

/** A mobile device; `lastConnection` is the app's last contact, not a login. */
export interface LumAppsDevice {
  deviceId: string;
  platform: 'ANDROID' | 'IOS';
  lastConnection: string;
  status: string;
}

export interface LumAppsUser {
  id: string;
  /** The same value as `id`, as in the vendor's sample data. */
  uid: string;
  email: string;
  firstName: string;
  lastName: string;
  fullName: string;
  accountType: LumAppsAccountType;
  /** Left out on some records: the schema's default is `enabled`. */
  status?: LumAppsUserStatus;
  /** Left out on some records: absent means visible. */
  isHidden?: boolean;
  /** Naive (no zone) ISO timestamps with microseconds: `2019-03-12T11:48:55.684166`. */
  createdAt: string;
  updatedAt: string;
  /** The organisation (customer) id. */
  customer: string;
  isSuperAdmin: boolean;
  instancesSuperAdmin: string[];
  lang: string;
  langs: string[];
  subscriptions: LumAppsSubscription[];
  synchronized: boolean;
  lastSynchronization?: string;
  changePasswordAtNextLogin?: boolean;
  devices?: LumAppsDevice[];
}

/** A feed's link to an identity provider's group (`FeedGroup`): `identityProvider` is that IdP's configuration id. */
export interface LumAppsFeedGroup {
  group: string;
  identityProvider: string;
}

export interface LumAppsFeed {
  id: string;
  uid: string;
  name: string;
  /** The feed type's id. */
  type: string;
  customer: string;
  /** Left out for platform-level feeds. */
  instance?: string;
  status: 'enabled';
  createdAt: string;
  updatedAt: string;
  heritable: boolean;
  synchronized: boolean;
  /** For feeds synchronised from an identity provider's group. */
  group?: string;
  identityProvider?: 'google' | 'microsoft';
  /** The newer form of the link (one group per identity provider), as `feed/save` accepts it. */
  groups?: LumAppsFeedGroup[];
}
