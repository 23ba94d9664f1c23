import { describe, expect, it } from 'vitest';
import { memoryKeySorter } from '../../functions/providers/shared/memory-key-sorter.ts';
import { collectOffsetListing, readOffsetListing } from '../../functions/providers/trivore/offset-listing.ts';
import {
  type OffsetPage,
  offsetsAfterFirst,
  outlineOf,
  passProblems,
} from '../../functions/providers/trivore/offset-pass.ts';
import { SiteError } from '../../functions/shared/errors.ts';

const ids = (count: number, prefix = 'u'): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(5, '0')}`);

/**
 * An in-memory offset listing: `before(start, call)` may change the records before a request is
 * answered, as other users of the site would.
 */
function fakeServer(
  records: string[],
  perPage: number,
  before?: (start: number, call: number, records: string[]) => void,
) {
  const requested: number[] = [];
  return {
    requested,
    fetchPage: async (start: number): Promise<OffsetPage<string>> => {
      requested.push(start);
      before?.(start, requested.length, records);
      return {
        start,
        echoedStart: start,
        total: records.length,
        records: records.slice(start, start + perPage),
        retries: 0,
      };
    },
  };
}

const collect = (server: ReturnType<typeof fakeServer>, pageSize = 10, concurrency = 4) =>
  collectOffsetListing<string>({
    listing: 'users',
    pageSize,
    concurrency,
    keyOf: (id) => id,
    fetchPage: server.fetchPage,
  });

describe('offsetsAfterFirst', () => {
  it('needs no more pages when the first holds the total', () => {
    expect(offsetsAfterFirst(0, 10)).toEqual([]);
    expect(offsetsAfterFirst(10, 10)).toEqual([]);
  });

  it('overlaps each page by one record with the page before, up to the total', () => {
    expect(offsetsAfterFirst(11, 10)).toEqual([9]);
    expect(offsetsAfterFirst(19, 10)).toEqual([9]);
    expect(offsetsAfterFirst(20, 10)).toEqual([9, 18]);
    expect(offsetsAfterFirst(28, 10)).toEqual([9, 18]);
  });

  it('steps one by one without overlap when the server serves one record a page', () => {
    expect(offsetsAfterFirst(3, 1)).toEqual([1, 2]);
  });
});

describe('passProblems', () => {
  const page = (start: number, records: string[], total = 25, echoedStart: number | undefined = start) => ({
    start,
    echoedStart,
    total,
    records,
    retries: 0,
  });
  const outlines = (list: readonly OffsetPage<string>[]) => list.map((one) => outlineOf(one, (id) => id));
  const all = ids(25);
  const pages = [page(0, all.slice(0, 10)), page(9, all.slice(9, 19)), page(18, all.slice(18, 25))];

  it('finds nothing wrong with pages that add up', () => {
    expect(passProblems(outlines(pages), 10, 25)).toEqual([]);
  });

  it('names a stuck offset first', () => {
    const stuck = [pages[0], pages[1], page(18, all.slice(9, 19))] as OffsetPage<string>[];
    const problems = passProblems(outlines(stuck), 10, 19);
    expect(problems[0]).toContain('same records for startIndex 9 and 18');
  });

  it('sees a changed total, a moved boundary, a short page and a wrong echo', () => {
    const shifted = [
      pages[0],
      page(9, all.slice(10, 20), 24),
      page(18, all.slice(19, 25), 25, 17),
    ] as OffsetPage<string>[];
    const problems = passProblems(outlines(shifted), 10, 25).join('\n');
    expect(problems).toContain('totalResults changed from 25 to 24');
    expect(problems).toContain('records moved between the pages at startIndex 0 and 9');
    expect(problems).toContain('held 6 records where 7 were due');
    expect(problems).toContain('says it starts at 17');
  });
});

describe('collectOffsetListing', () => {
  it('reads the first page, then every other offset once, and proves the count', async () => {
    const server = fakeServer(ids(95), 10);
    const result = await collect(server);
    expect(result.records.sort()).toEqual(ids(95));
    expect(result.report).toMatchObject({ complete: true, pages: 11, reportedTotal: 95, uniqueRecords: 95 });
    // One shared record per boundary, counted as dropped duplicates.
    expect(result.report.duplicatesDropped).toBe(10);
    expect(server.requested[0]).toBe(0);
    expect([...server.requested].sort((a, b) => a - b)).toEqual([0, 9, 18, 27, 36, 45, 54, 63, 72, 81, 90]);
  });

  it('adapts to a server that serves smaller pages than asked for', async () => {
    const server = fakeServer(ids(25), 7);
    const result = await collect(server, 500);
    expect(result.report.complete).toBe(true);
    expect(result.records).toHaveLength(25);
    expect(server.requested.sort((a, b) => a - b)).toEqual([0, 6, 12, 18]);
  });

  it('reads again after records were added and removed mid-scan, keeping only the read that adds up', async () => {
    const server = fakeServer(ids(50), 10, (_start, call, records) => {
      // After the first page: one record removed near the start, one added near the end.
      if (call === 2) {
        records.splice(3, 1);
        records.push('u99999');
      }
    });
    const result = await collect(server, 10, 1);
    const truth = [...ids(50).filter((id) => id !== 'u00003'), 'u99999'];
    expect(result.records.sort()).toEqual(truth.sort());
    expect(result.report.complete).toBe(true);
    expect(result.report.warnings?.[0]).toContain('the first read did not add up');
  });

  it('hands each page to the destination as it arrives and restarts it before a second read', async () => {
    const server = fakeServer(ids(50), 10, (_start, call, records) => {
      if (call === 2) records.splice(3, 1);
    });
    const events: string[] = [];
    const report = await readOffsetListing<string>({
      listing: 'users',
      pageSize: 10,
      concurrency: 1,
      keyOf: (id) => id,
      fetchPage: server.fetchPage,
      destination: {
        add: async (batch) => void events.push(`add ${batch.length}`),
        restart: async () => void events.push('restart'),
      },
      openKeySorter: memoryKeySorter,
    });
    expect(report).toMatchObject({ complete: true, uniqueRecords: 49, duplicatesDropped: 5, pages: 12 });
    // The first read's pages (the last came back short), a restart, then the second read's pages.
    expect(events).toEqual([
      ...['add 10', 'add 10', 'add 10', 'add 10', 'add 10', 'add 4'],
      'restart',
      ...['add 10', 'add 10', 'add 10', 'add 10', 'add 10', 'add 4'],
    ]);
  });

  it('leaves the listing incomplete when the second read does not add up either', async () => {
    const server = fakeServer(ids(50), 10, (start, _call, records) => {
      // Someone keeps deleting users near the start.
      if (start > 0) records.splice(1, 1);
    });
    const result = await collect(server, 10, 2);
    expect(result.report.complete).toBe(false);
    expect(result.report.reason).toMatch(
      /^users: the listing did not add up \(.+\); a second full read did not add up/,
    );
  });

  it('never calls a stuck offset complete', async () => {
    const records = ids(40);
    const server = {
      fetchPage: async (start: number): Promise<OffsetPage<string>> => ({
        start,
        echoedStart: start,
        total: 40,
        records: records.slice(start === 0 ? 0 : 9, start === 0 ? 10 : 19),
        retries: 0,
      }),
      requested: [],
    };
    const result = await collect(server);
    expect(result.report.complete).toBe(false);
    expect(result.report.reason).toContain('stuck offset');
  });

  it('throws when the first page fails, and ends incomplete keeping what was read when a later one does', async () => {
    const unavailable = new SiteError('server', 'the API kept failing');
    await expect(
      collect({
        requested: [],
        fetchPage: async () => {
          throw unavailable;
        },
      }),
    ).rejects.toBe(unavailable);

    const records = ids(30);
    const result = await collect(
      {
        requested: [],
        fetchPage: async (start) => {
          if (start > 0) throw unavailable;
          return { start, echoedStart: start, total: 30, records: records.slice(0, 10), retries: 0 };
        },
      },
      10,
      1,
    );
    expect(result.report.complete).toBe(false);
    expect(result.report.reason).toBe('users: stopped after 1 page (10 users read): the API kept failing');
    expect(result.records).toEqual(records.slice(0, 10));
  });

  it('throws a rejected client wherever it happens', async () => {
    const rejected = new SiteError('auth', 'the API rejected the client');
    const records = ids(30);
    await expect(
      collect({
        requested: [],
        fetchPage: async (start) => {
          if (start > 0) throw rejected;
          return { start, echoedStart: start, total: 30, records: records.slice(0, 10), retries: 0 };
        },
      }),
    ).rejects.toBe(rejected);
  });

  it('stops requesting when a page comes back empty though records were due', async () => {
    const requested: number[] = [];
    const result = await collect(
      {
        requested,
        fetchPage: async (start) => {
          requested.push(start);
          return {
            start,
            echoedStart: start,
            total: 1_000_000,
            records: start === 0 ? ids(10) : [],
            retries: 0,
          };
        },
      },
      10,
      2,
    );
    expect(result.report.complete).toBe(false);
    // Two passes, each stopping within a couple of pages instead of asking for 111,111 offsets.
    expect(requested.length).toBeLessThan(10);
  });
});
