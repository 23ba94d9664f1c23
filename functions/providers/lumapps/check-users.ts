import { mapWithConcurrency } from '../../shared/concurrency.ts';
import { SiteError } from '../../shared/errors.ts';
import type { CanonicalUser } from '../../shared/model.ts';
import type { ExportObserver, KeySorter, ListingReport, ScratchSorting, UserSink } from '../port.ts';
import { alignSorted } from '../shared/align-sorted.ts';
import { cursorListingReport } from '../shared/cursor-listing.ts';
import { retriesSpent } from '../shared/retries.ts';
import type { LumAppsApi } from './api.ts';
import { usersQuery, usersRoute } from './list-users.ts';
import { fetchListingPage, listingParams } from './listing-page.ts';
import { type RecordNotes, toCanonicalUser } from './mapping.ts';
import { pageMoreListing } from './paging.ts';
import { type UserIdRecord, userIdSchema, userRecordSchema } from './schemas.ts';
import { invalidBody, unexpectedStatus } from './site-errors.ts';

/** The same query as the users listing, answered with ids only (a Google partial response). */
export const checkQuery: readonly [string, string][] = [
  ...usersQuery,
  ['fields', 'items(id,uid),cursor,more'],
];

/**
 * How many users may join or leave during one listing before the disagreement is taken for a
 * broken check rather than a changing organisation: 5 % of the users, at least 50, at most 1,000
 * (each joiner costs a request of its own).
 */
export function toleratedChanges(listed: number): number {
  return Math.min(1000, Math.max(50, Math.ceil(listed * 0.05)));
}

export const userGetRoute = 'user/get';

type SingleRead =
  | { readonly kind: 'read'; readonly user: CanonicalUser; readonly retries: number }
  | { readonly kind: 'gone'; readonly id: string; readonly retries: number }
  | { readonly kind: 'failed'; readonly id: string; readonly error: SiteError };

/**
 * One user by `uid`. Always with the parameter: without one, user/get answers the token's own user,
 * which would look like success.
 */
async function readUser(api: LumAppsApi, listed: UserIdRecord, notes: RecordNotes): Promise<SingleRead> {
  const what = `GET ${userGetRoute} for user ${listed.id}`;
  let response: Awaited<ReturnType<LumAppsApi['get']>>;
  try {
    response = await api.get(userGetRoute, new URLSearchParams({ uid: listed.uid ?? listed.id }));
  } catch (error) {
    if (error instanceof SiteError && error.kind !== 'auth') return { kind: 'failed', id: listed.id, error };
    throw error;
  }
  if (response.status === 404) return { kind: 'gone', id: listed.id, retries: response.retries };
  if (response.status !== 200) {
    const error = unexpectedStatus(api, response.status, response.body, what);
    if (error.kind === 'auth') throw error;
    return { kind: 'failed', id: listed.id, error };
  }
  const parsed = userRecordSchema.safeParse(response.body);
  if (!parsed.success)
    return { kind: 'failed', id: listed.id, error: invalidBody(api, `user ${listed.id}`, parsed.error) };
  if (parsed.data.id !== listed.id) {
    const error = new SiteError(
      'protocol',
      `${api.label}: asked ${userGetRoute} for user ${listed.id}, got user ${parsed.data.id}.`,
    );
    return { kind: 'failed', id: listed.id, error };
  }
  notes.observe(parsed.data);
  return { kind: 'read', user: toCanonicalUser(parsed.data, response.body), retries: response.retries };
}

const ids = (list: readonly string[]): string => {
  const shown = list.slice(0, 5).map((id) => `"${id}"`);
  return list.length > 5 ? `${shown.join(', ')} and ${list.length - 5} more` : shown.join(', ');
};

/**
 * A census entry as a key of the scratch sorter: the id, and the `uid` user/get asks by when it
 * differs. The tab sorts below every character of an id, so entries still sort by id.
 */
const censusKey = (record: UserIdRecord): string =>
  record.uid === undefined || record.uid === record.id ? record.id : `${record.id}\t${record.uid}`;

/** The census entries back, sorted by id, each id once. */
async function* censusRecords(keys: AsyncIterable<string>): AsyncGenerator<UserIdRecord> {
  let previous: string | undefined;
  for await (const key of keys) {
    const tab = key.indexOf('\t');
    const id = tab < 0 ? key : key.slice(0, tab);
    if (id === previous) continue;
    previous = id;
    yield tab < 0 ? { id } : { id, uid: key.slice(tab + 1) };
  }
}

/** How the listed ids and the census's compare; the joined and gone are kept only up to `keep`. */
interface Comparison {
  listed: number;
  census: number;
  joinedCount: number;
  goneCount: number;
  joined: UserIdRecord[];
  gone: string[];
}

/** Merge-walks the listing's keys and the census's ids, both sorted; holds two keys at a time. */
async function compareListings(
  listedKeys: KeySorter,
  censusKeys: KeySorter,
  keep: number,
): Promise<Comparison> {
  const result: Comparison = { listed: 0, census: 0, joinedCount: 0, goneCount: 0, joined: [], gone: [] };
  const aligned = alignSorted(
    listedKeys.sorted(),
    censusRecords(censusKeys.sorted()),
    (key) => key,
    (record) => record.id,
  );
  for await (const { key, left, right } of aligned) {
    if (left !== undefined) result.listed += 1;
    if (right !== undefined) result.census += 1;
    if (left === undefined && right !== undefined) {
      result.joinedCount += 1;
      if (result.joined.length < keep) result.joined.push(right);
    } else if (right === undefined) {
      result.goneCount += 1;
      if (result.gone.length < keep) result.gone.push(key);
    }
  }
  return result;
}

/** What the id check says, and how many distinct users the listing held. */
export interface UsersCheck {
  readonly report: ListingReport;
  /** Distinct keys the users listing handed over, for the listing's own report. */
  readonly listedUsers: number;
}

/**
 * LumApps reports no totals, so a listing that reached `more: false` may still be a blend of the
 * organisation before and after users joined or left under it. A second pass asks for the ids
 * only (cheap pages) and reconciles: users gone by then are left out of the sink, users that
 * joined are read one by one and added to it. The result is the organisation as the check saw
 * it, and the manifest says what changed. If the check itself cannot finish, the export is
 * incomplete. The listed keys and the census's ids are compared as two sorted streams (spilled
 * to disk beyond the scratch sorter's budget), so nothing here scales with the users but the
 * joined and gone, which are bounded by `toleratedChanges`.
 */
export async function checkUsers(
  api: LumAppsApi,
  listed: { readonly keys: KeySorter; readonly sink: UserSink },
  scratch: ScratchSorting,
  concurrency: number,
  notes: RecordNotes,
  observer: ExportObserver | undefined,
  signal: AbortSignal | undefined,
): Promise<UsersCheck> {
  const censusKeys = scratch.openKeySorter();
  try {
    let pageNumber = 0;
    let received = 0;
    const census = await pageMoreListing<UserIdRecord>({
      listing: 'usersCheck',
      records: 'user ids',
      keyOf: (record) => record.id,
      fetchPage: (cursor) =>
        fetchListingPage(api, {
          route: usersRoute,
          params: listingParams(checkQuery, cursor),
          what: `page ${++pageNumber} of the users check (ids only)`,
          item: userIdSchema,
          map: (record) => record,
        }),
      destination: {
        async add(records) {
          received += records.length;
          for (const record of records) await censusKeys.add(censusKey(record));
        },
      },
      onPage: (records) => observer?.page?.('usersCheck', records, null),
      ...(signal === undefined ? {} : { signal }),
    });
    // The most joined and gone users any tolerance allows: more is a broken check, counted only.
    const keep = toleratedChanges(Number.MAX_SAFE_INTEGER) + 1;
    const compared = await compareListings(listed.keys, censusKeys, keep);
    const censusReport = cursorListingReport(census, {
      uniqueRecords: compared.census,
      duplicatesDropped: received - compared.census,
      differingDuplicates: 0,
    });
    if (!censusReport.complete) return { report: censusReport, listedUsers: compared.listed };

    const report = (fields: {
      singleReads: number;
      retries: number;
      problems: readonly string[];
      warnings: readonly string[];
    }): ListingReport => ({
      pages: censusReport.pages + fields.singleReads,
      reportedTotal: null,
      uniqueRecords: censusReport.uniqueRecords,
      duplicatesDropped: censusReport.duplicatesDropped,
      retries: censusReport.retries + fields.retries,
      complete: fields.problems.length === 0,
      ...(fields.problems.length === 0 ? {} : { reason: `usersCheck: ${fields.problems.join('; ')}` }),
      ...(fields.warnings.length === 0 ? {} : { warnings: [...fields.warnings] }),
    });

    const tolerated = toleratedChanges(compared.listed);
    const { joinedCount, goneCount } = compared;
    if (joinedCount + goneCount > tolerated) {
      // An empty or filtered check (a partial response the API mishandles) must not empty the export.
      const problem =
        `the id-only check disagrees with the listing on ${joinedCount} joined and ${goneCount} gone users, more than ` +
        `the ${tolerated} that users changing during the export would explain; the users are kept as listed. ` +
        'Run the export again; if it persists, the check is not reliable for this organization';
      return {
        report: report({ singleReads: 0, retries: 0, problems: [problem], warnings: [] }),
        listedUsers: compared.listed,
      };
    }

    listed.sink.exclude(compared.gone);
    const read = await readJoined(api, compared.joined, concurrency, notes, signal);
    const warnings: string[] = [];
    if (read.added.length > 0) {
      await listed.sink.add(read.added);
      warnings.push(
        `${read.added.length} user(s) joined while the users were listed; each was read on its own and is included: ${ids(read.added.map((user) => user.key))}`,
      );
    }
    const left = [...compared.gone, ...read.gone];
    if (left.length > 0) {
      warnings.push(
        `${left.length} user(s) were gone from the organization by the end of the listing and are left out: ${ids(left)}`,
      );
    }
    return {
      report: report({
        singleReads: read.requests,
        retries: read.retries,
        problems: read.problems,
        warnings,
      }),
      listedUsers: compared.listed,
    };
  } finally {
    await censusKeys.dispose();
  }
}

/** Reads the users that joined mid-listing, `concurrency` at a time; the first failure stops new reads. */
async function readJoined(
  api: LumAppsApi,
  joined: readonly UserIdRecord[],
  concurrency: number,
  notes: RecordNotes,
  signal: AbortSignal | undefined,
): Promise<{
  added: CanonicalUser[];
  gone: string[];
  requests: number;
  retries: number;
  problems: string[];
}> {
  let failure: { id: string; error: SiteError } | undefined;
  const outcomes = await mapWithConcurrency(
    joined,
    concurrency,
    async (record): Promise<SingleRead | undefined> => {
      signal?.throwIfAborted();
      if (failure !== undefined) return undefined;
      const outcome = await readUser(api, record, notes);
      if (outcome.kind === 'failed') failure ??= outcome;
      return outcome;
    },
  );
  const result = {
    added: [] as CanonicalUser[],
    gone: [] as string[],
    requests: 0,
    retries: 0,
    problems: [] as string[],
  };
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    result.requests += 1;
    if (outcome.kind === 'read') result.added.push(outcome.user);
    else if (outcome.kind === 'gone') result.gone.push(outcome.id);
    result.retries += outcome.kind === 'failed' ? retriesSpent(outcome.error) : outcome.retries;
  }
  if (failure !== undefined) {
    result.problems.push(
      `${joined.length} users joined while the users were listed, and user ${failure.id} could not be read: ${failure.error.message}`,
    );
  }
  return result;
}
