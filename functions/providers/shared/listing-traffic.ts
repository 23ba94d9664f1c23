import type { ListingReport } from '../../shared/export-model.ts';
import { countingTraffic, type Traffic } from '../../shared/http/traffic.ts';

/**
 * What each listing's requests cost (rate-limit waits, the slowest request), counted while the
 * listings run side by side on one HTTP client. A listing's follow-up reads (group details, the
 * LumApps id check) run inside it and count towards it.
 */
export class ListingTraffic {
  private readonly byListing = new Map<string, Traffic>();

  /** Runs one listing's work with its requests counted under `listing`. */
  track<T>(listing: string, work: () => Promise<T>): Promise<T> {
    const traffic: Traffic = { rateLimitWaits: 0, slowestRequestMs: 0 };
    this.byListing.set(listing, traffic);
    return countingTraffic(traffic, work);
  }

  /** The reports, each with its listing's counts when it was tracked. */
  annotate(reports: Readonly<Record<string, ListingReport>>): Record<string, ListingReport> {
    return Object.fromEntries(
      Object.entries(reports).map(([listing, report]) => {
        const traffic = this.byListing.get(listing);
        if (traffic === undefined) return [listing, report];
        return [
          listing,
          {
            ...report,
            rateLimitWaits: traffic.rateLimitWaits,
            slowestRequestMs: Math.round(traffic.slowestRequestMs),
          },
        ];
      }),
    );
  }
}
