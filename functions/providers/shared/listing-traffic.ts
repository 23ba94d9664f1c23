import { countingTraffic, type Traffic } from '../../shared/http/traffic.ts';

/**
 * What each listing's requests cost (rate-limit waits, the slowest request) and what their bodies
 * hid (bytes that are not UTF-8, repeated keys), counted while the listings run side by side on
 * one HTTP client. A listing's follow-up reads (group details, the LumApps id check) run inside
 * it and count towards it.
 */
export class ListingTraffic {
  private readonly byListing = new Map<string, Traffic>();

  /** Runs one listing's work with its requests counted under `listing`. */
  track<T>(listing: string, work: () => Promise<T>): Promise<T> {
    const traffic: Traffic = {
      rateLimitWaits: 0,
      slowestRequestMs: 0,
      invalidUtf8Records: 0,
      duplicateKeyRecords: 0,
    };
    this.byListing.set(listing, traffic);
    return countingTraffic(traffic, work);
  }

  figures(): Record<string, Traffic> {
    return Object.fromEntries(this.byListing);
  }
}
