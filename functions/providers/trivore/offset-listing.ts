import type { ListingReport } from '../port.ts';
import { KeptRecords } from '../shared/kept-records.ts';
import { memoryKeySorter } from '../shared/memory-key-sorter.ts';
import { type PassOptions, type PassOutcome, readPass, type Tally } from './offset-pass.ts';

export interface OffsetListingOptions<T> extends PassOptions<T> {
  /** Listing name in reports and progress: `users`, `groups`. */
  readonly listing: string;
}

/**
 * Reads an offset listing into its destination, proving it adds up: every page agrees on
 * `totalResults`, each page boundary still matches, no two offsets serve the same records, and
 * the unique records equal the total. Offsets shift when records change mid-scan, so a read that
 * does not add up is read again, whole, once, and the destination is restarted before it: a
 * complete listing is the site as one full read saw it, never a mix. A second read that does not
 * add up either leaves the listing incomplete, with both reasons, holding the second read.
 */
export async function readOffsetListing<T>(options: OffsetListingOptions<T>): Promise<ListingReport> {
  const { listing } = options;
  const tally: Tally = { pages: 0, retries: 0 };
  const report = (outcome: PassOutcome, extra: { reason?: string; warnings?: string[] }): ListingReport => ({
    pages: tally.pages,
    reportedTotal: outcome.total,
    uniqueRecords: outcome.uniqueRecords,
    duplicatesDropped: outcome.duplicates,
    retries: tally.retries,
    complete: extra.reason === undefined,
    ...(extra.reason === undefined ? {} : { reason: extra.reason }),
    ...(extra.warnings === undefined ? {} : { warnings: extra.warnings }),
  });

  const first = await readPass(options, tally, true);
  if (first.kind === 'consistent') return report(first, {});
  if (first.kind === 'failed') {
    return report(first, {
      reason: `${listing}: stopped after ${tally.pages} page${tally.pages === 1 ? '' : 's'} (${first.uniqueRecords.toLocaleString('en-US')} ${listing} read): ${first.problem}`,
    });
  }

  // Whether the second read adds up is known only once it is read, and what it adds up to must
  // not hold a record of the first: the first read is dropped before the second starts.
  await options.destination.restart();
  const second = await readPass(options, tally, false);
  if (second.kind === 'consistent') {
    return report(second, {
      warnings: [
        `${listing}: the first read did not add up (${first.problem}); a second full read did, and only it was kept.`,
      ],
    });
  }
  const again =
    second.kind === 'failed'
      ? `reading it again failed: ${second.problem}`
      : `a second full read did not add up either (${second.problem})`;
  return report(second, {
    reason:
      `${listing}: the listing did not add up (${first.problem}); ${again}. ` +
      `${listing} were probably added or removed during the export, or the API's offsets are unreliable.`,
  });
}

/** A small offset listing (groups) read whole into memory. */
export interface OffsetListing<T> {
  /** Unique records, in no particular order. */
  readonly records: T[];
  readonly report: ListingReport;
}

/** Reads a small offset listing into memory; it scales with groups, never with users. */
export async function collectOffsetListing<T>(
  options: Omit<OffsetListingOptions<T>, 'destination' | 'openKeySorter'>,
): Promise<OffsetListing<T>> {
  const kept = new KeptRecords<T>(options.keyOf);
  const report = await readOffsetListing({ ...options, destination: kept, openKeySorter: memoryKeySorter });
  return { records: kept.records(), report };
}
