import type { ListingReport } from '../port.ts';
import { type PassOptions, type PassOutcome, readPass, type Tally } from './offset-pass.ts';

export interface OffsetListingOptions<T> extends PassOptions<T> {
  /** Listing name in reports and progress: `users`, `groups`. */
  readonly listing: string;
}

export interface OffsetListing<T> {
  /** Unique records, in no particular order. */
  readonly records: T[];
  readonly report: ListingReport;
}

/** Records of both passes, the later read winning: what an incomplete listing keeps for inspection. */
function merged<T>(earlier: readonly T[], later: readonly T[], keyOf: (record: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const record of earlier) byKey.set(keyOf(record), record);
  for (const record of later) byKey.set(keyOf(record), record);
  return [...byKey.values()];
}

/**
 * Reads an offset listing, proving it adds up: every page agrees on `totalResults`, each page
 * boundary still matches, no two offsets serve the same records, and the unique records equal
 * the total. Offsets shift when records change mid-scan, so a read that does not add up is read
 * again, whole, once; only a read that adds up is kept, so a complete listing is the site as one
 * full read saw it, never a mix. A second read that does not add up either leaves the listing
 * incomplete, with both reasons.
 */
export async function collectOffsetListing<T>(options: OffsetListingOptions<T>): Promise<OffsetListing<T>> {
  const { listing } = options;
  const tally: Tally = { pages: 0, retries: 0 };
  const report = (
    outcome: PassOutcome<T>,
    records: T[],
    extra: { reason?: string; warnings?: string[] },
  ): OffsetListing<T> => ({
    records,
    report: {
      pages: tally.pages,
      reportedTotal: outcome.total,
      uniqueRecords: records.length,
      duplicatesDropped: outcome.duplicates,
      retries: tally.retries,
      complete: extra.reason === undefined,
      ...(extra.reason === undefined ? {} : { reason: extra.reason }),
      ...(extra.warnings === undefined ? {} : { warnings: extra.warnings }),
    },
  });

  const first = await readPass(options, tally, true);
  if (first.kind === 'consistent') return report(first, first.records, {});
  if (first.kind === 'failed') {
    return report(first, first.records, {
      reason: `${listing}: stopped after ${tally.pages} page${tally.pages === 1 ? '' : 's'} (${first.records.length.toLocaleString('en-US')} ${listing} read): ${first.problem}`,
    });
  }

  const second = await readPass(options, tally, false);
  if (second.kind === 'consistent') {
    return report(second, second.records, {
      warnings: [
        `${listing}: the first read did not add up (${first.problem}); a second full read did, and only it was kept.`,
      ],
    });
  }
  const records = merged(first.records, second.records, options.keyOf);
  const again =
    second.kind === 'failed'
      ? `reading it again failed: ${second.problem}`
      : `a second full read did not add up either (${second.problem})`;
  return report(second, records, {
    reason:
      `${listing}: the listing did not add up (${first.problem}); ${again}. ` +
      `${listing} were probably added or removed during the export, or the API's offsets are unreliable.`,
  });
}
