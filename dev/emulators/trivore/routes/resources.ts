import type { Attributes } from '../filter.ts';
import type { TrivoreGroup, TrivoreUser } from '../types.ts';
import type { ListingSpec } from './paging.ts';

const userFilterable: Attributes<TrivoreUser> = {
  id: (user) => user.id,
  username: (user) => user.username,
  nsCode: (user) => user.nsCode,
  userAccountType: (user) => user.userAccountType,
  memberOf: (user) => user.memberOf,
  mfaMethod: (user) => user.mfaMethod,
  locked: (user) => user.locked,
  'emails.address': (user) => user.emails.map((email) => email.address),
  'name.givenName': (user) => user.name.givenName,
  'name.familyName': (user) => user.name.familyName,
};

const groupFilterable: Attributes<TrivoreGroup> = {
  id: (group) => group.id,
  name: (group) => group.name,
  nsCode: (group) => group.nsCode,
  memberOf: (group) => group.memberOf,
};

export function usersListing(records: readonly TrivoreUser[]): ListingSpec<TrivoreUser> {
  return {
    kind: 'users-list',
    records,
    filterable: userFilterable,
    sortable: { username: (user) => user.username, created: (user) => user.meta.created },
  };
}

export function groupsListing(records: readonly TrivoreGroup[]): ListingSpec<TrivoreGroup> {
  return {
    kind: 'groups-list',
    records,
    filterable: groupFilterable,
    sortable: { name: (group) => group.name, created: (group) => group.meta.created },
  };
}
