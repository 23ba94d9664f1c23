import type { EmulatorRequest } from '../../shared/fault-server.ts';
import type { SiteStore } from '../store.ts';

/** Everything a route needs about one authenticated request. */
export interface RequestContext {
  readonly request: EmulatorRequest;
  readonly site: string;
  readonly store: SiteStore;
  readonly pageSize: number;
  /** Only the exact string `true` is a dry run: `True`, `TRUE` and `1` write (as on v1, S000). */
  readonly testMode: boolean;
  /** Tells the fault plan a listing page is being served; returns the cursor to send. */
  listingPage(
    kind: 'users-list' | 'groups-list',
    next: string | null,
    firstOfPage: string | null,
  ): string | null;
}

export const DRY_RUN_MESSAGE = 'Action would have completed successfully';
