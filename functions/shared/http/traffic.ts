import { AsyncLocalStorage } from 'node:async_hooks';

/** What one listing's requests cost: for the manifest, beside its retries. */
export interface Traffic {
  /** Waits the server asked for by a rate-limit answer (429, or a provider's own signal). */
  rateLimitWaits: number;
  /** The longest single attempt, from sending the request to the body's last byte. */
  slowestRequestMs: number;
  /** Records (objects in a page's arrays) whose bytes were not valid UTF-8. */
  invalidUtf8Records: number;
  /** Records in which an object gives one key twice. */
  duplicateKeyRecords: number;
}

const current = new AsyncLocalStorage<Traffic>();

/**
 * Runs `work` with every request it sends, however deep and however concurrent, counted into
 * `traffic`. Listings run side by side on one client, so the count follows the async context
 * instead of the client.
 */
export function countingTraffic<T>(traffic: Traffic, work: () => Promise<T>): Promise<T> {
  return current.run(traffic, work);
}

/** The traffic being counted where a request is sent, if any. */
export function currentTraffic(): Traffic | undefined {
  return current.getStore();
}
