import { isMember, type SiteStore } from './store.ts';
import type { LumAppsFeed, LumAppsUser } from './types.ts';

/**
 * Ground truth for tests, bypassing HTTP, auth and faults. Reads return deep copies in the API's
 * shapes, in id order (the listing order); writes take no API validation beyond unique ids.
 */
export interface LumAppsState {
  readonly userCount: number;
  readonly feedCount: number;
  users(): LumAppsUser[];
  feeds(): LumAppsFeed[];
  getUser(id: string): LumAppsUser | undefined;
  getFeed(id: string): LumAppsFeed | undefined;
  /** The user with this e-mail (case-insensitive), as `user/get?email=` finds it. */
  userByEmail(email: string): LumAppsUser | undefined;
  /** Feeds with this exact name, in id order (names need not be unique). */
  feedsNamed(name: string): LumAppsFeed[];
  /** Ids of the users with a LIVE subscription to the feed. */
  membersOf(feedId: string): string[];
  /** Ids of the feeds the user has a LIVE subscription to, in id order; [] for an unknown user. */
  feedsOf(userId: string): string[];
  /** Throws when the id exists. */
  addUser(user: LumAppsUser): void;
  /** Throws when the user does not exist. The id cannot change. */
  updateUser(id: string, patch: Partial<Omit<LumAppsUser, 'id' | 'uid'>>): LumAppsUser;
  removeUser(id: string): boolean;
  /** Throws when the id exists. */
  addFeed(feed: LumAppsFeed): void;
  /** Also drops every subscription to the feed; its id is never handed out again. */
  removeFeed(id: string): boolean;
}

const copy = <T>(value: T): T => structuredClone(value);

export function createState(store: SiteStore): LumAppsState {
  return {
    get userCount() {
      return store.users.size;
    },
    get feedCount() {
      return store.feeds.size;
    },
    users: () => store.users.all().map(copy),
    feeds: () => store.feeds.all().map(copy),
    getUser(id) {
      const user = store.users.get(id);
      return user && copy(user);
    },
    getFeed(id) {
      const feed = store.feeds.get(id);
      return feed && copy(feed);
    },
    userByEmail(email) {
      const user = store.findUserByEmail(email);
      return user && copy(user);
    },
    feedsNamed: (name) =>
      store.feeds
        .all()
        .filter((feed) => feed.name === name)
        .map(copy),
    feedsOf: (userId) => {
      const user = store.users.get(userId);
      if (user === undefined) return [];
      return store.feeds
        .all()
        .filter((feed) => isMember(user, feed.id))
        .map((feed) => feed.id);
    },
    membersOf: (feedId) =>
      store.users
        .all()
        .filter((user) => isMember(user, feedId))
        .map((user) => user.id),
    addUser(user) {
      if (!store.users.insert(copy(user))) throw new Error(`user already exists: ${user.id}`);
    },
    updateUser(id, patch) {
      const user = store.users.get(id);
      if (!user) throw new Error(`no such user: ${id}`);
      const { id: _id, uid: _uid, ...changes } = copy(patch) as Partial<LumAppsUser>;
      Object.assign(user, changes);
      return copy(user);
    },
    removeUser: (id) => store.users.remove(id) !== undefined,
    addFeed(feed) {
      if (!store.feeds.insert(copy(feed))) throw new Error(`feed already exists: ${feed.id}`);
    },
    removeFeed: (id) => store.removeFeed(id),
  };
}
