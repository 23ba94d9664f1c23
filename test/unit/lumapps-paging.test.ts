import { describe, expect, it } from 'vitest';
import {
  collectMoreListing,
  cursorPageOf,
  type ReceivedPage,
} from '../../functions/providers/lumapps/paging.ts';
import { SiteError } from '../../functions/shared/errors.ts';

/** A page as LumApps sends it: `{items, cursor, more}`. */
interface MorePage {
  readonly more: boolean;
  readonly cursor: string | undefined;
  readonly records: readonly string[];
  readonly retries: number;
}
type Step = Partial<MorePage> | SiteError;

/** A listing that answers the scripted pages in turn and records the cursors it was asked for. */
function scripted(steps: readonly Step[]) {
  const asked: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<ReceivedPage<string>> => {
    const step = steps[asked.length];
    asked.push(cursor);
    if (step === undefined) throw new Error(`no page scripted for request ${asked.length}`);
    if (step instanceof SiteError) throw step;
    const page: MorePage = { more: false, cursor: undefined, records: [], retries: 0, ...step };
    return {
      peekedNext: undefined,
      read: () => cursorPageOf(page.more, page.cursor, page.records, page.retries),
    };
  };
  return {
    asked,
    run: () => collectMoreListing({ listing: 'users', records: 'users', keyOf: (r) => r, fetchPage }),
  };
}

describe('lumapps more/cursor paging', () => {
  it('follows the cursor while more is true and ends on more:false, even when that page has a cursor', async () => {
    const { asked, run } = scripted([
      { records: ['a', 'b'], more: true, cursor: 'c1' },
      { records: ['c'], more: true, cursor: 'c2' },
      { records: ['d'], more: false, cursor: 'c3' },
    ]);
    const result = await run();
    expect(result.records).toEqual(['a', 'b', 'c', 'd']);
    expect(result.report).toEqual({
      pages: 3,
      reportedTotal: null,
      uniqueRecords: 4,
      duplicatesDropped: 0,
      retries: 0,
      complete: true,
    });
    expect(asked).toEqual([null, 'c1', 'c2']);
  });

  it('takes an empty {"more": false} as a complete, empty listing', async () => {
    const result = await scripted([{ more: false }]).run();
    expect(result.records).toEqual([]);
    expect(result.report.complete).toBe(true);
  });

  it('ends incomplete, keeping what it read, when a page says more but holds nothing', async () => {
    const { asked, run } = scripted([
      { records: ['a'], more: true, cursor: 'c1' },
      { records: [], more: true, cursor: 'c2' },
    ]);
    const result = await run();
    expect(result.records).toEqual(['a']);
    expect(result.report.complete).toBe(false);
    expect(result.report.reason).toMatch(
      /^users: stopped after 2 pages \(1 users read\): page 2 said more users follow/,
    );
    expect(asked).toEqual([null, 'c1']);
  });

  it('ends incomplete on a repeated cursor, a missing cursor, or a page of records already read', async () => {
    const repeated = await scripted([
      { records: ['a'], more: true, cursor: 'c1' },
      { records: ['b'], more: true, cursor: 'c1' },
    ]).run();
    expect(repeated.report.reason).toMatch(/cursor it had already sent/);
    const noCursor = await scripted([{ records: ['a'], more: true }]).run();
    expect(noCursor.report.reason).toMatch(/sent no cursor/);
    const stale = await scripted([
      { records: ['a', 'b'], more: true, cursor: 'c1' },
      { records: ['a', 'b'], more: true, cursor: 'c2' },
    ]).run();
    expect(stale.report).toMatchObject({ complete: false, duplicatesDropped: 2, uniqueRecords: 2 });
    expect(stale.report.reason).toMatch(/a page that brought no new records/);
  });

  it('ends incomplete when a server cycles through pages it already served under new cursors', async () => {
    const { asked, run } = scripted([
      { records: ['a', 'b'], more: true, cursor: 'c1' },
      { records: ['c', 'd'], more: true, cursor: 'c2' },
      { records: ['a', 'b'], more: true, cursor: 'c3' },
    ]);
    const result = await run();
    expect(result.report).toMatchObject({ complete: false, uniqueRecords: 4, duplicatesDropped: 2 });
    expect(result.report.reason).toMatch(/a page that brought no new records/);
    expect(asked).toEqual([null, 'c1', 'c2']);
  });

  it('throws a failure on the first page, and ends a later failure incomplete', async () => {
    const down = new SiteError('server', 'LumApps organization "1": the API kept failing');
    await expect(scripted([down]).run()).rejects.toBe(down);
    const later = await scripted([{ records: ['a'], more: true, cursor: 'c1' }, down]).run();
    expect(later.records).toEqual(['a']);
    expect(later.report.reason).toBe(
      'users: stopped after 1 page (1 users read): LumApps organization "1": the API kept failing',
    );
  });

  it('throws a refused token wherever it happens', async () => {
    const refused = new SiteError('auth', 'refused');
    await expect(scripted([{ records: ['a'], more: true, cursor: 'c1' }, refused]).run()).rejects.toBe(
      refused,
    );
  });
});
