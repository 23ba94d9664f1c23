import type { EmulatorRequest, ListingPageHook } from '../../shared/fault-server.ts';
import type { SiteStore } from '../store.ts';

/** The LumApps-only fault: a page that says more follow but holds nothing. */
export interface EmptyMoreFault {
  /** The listing page (1-based, pages of that route served since setFaults) that comes back empty. */
  page: number;
  /** Default 'users-list'. */
  route?: 'users-list' | 'groups-list';
  /** Leave the `items` key out (default, as the SDK's comment describes) or send `items: []`. */
  items?: 'omitted' | 'empty';
}

/** What an API route needs besides the request. */
export interface RouteContext {
  readonly request: EmulatorRequest;
  readonly hooks: ListingPageHook;
  readonly store: SiteStore;
  /** The largest page served: `maxResults` is clamped to it. */
  readonly pageSize: number;
  /** The user the bearer token acts as. */
  readonly actingEmail: string;
  /** Counts a listing page and returns the fault when this page is the one to blank. */
  emptyMore(kind: 'users-list' | 'groups-list'): EmptyMoreFault | undefined;
}
