/**
 * The freshness window each schedule gets, and the check that reads latest.json against it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFreshness } from '../../functions/freshness/check-freshness.ts';
import { firings, longestGap, ScheduleError } from '../../functions/freshness/schedule-gaps.ts';
import { latestPointerKey } from '../../functions/snapshot/layout.ts';
import { createStore } from '../../functions/store/create-store.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const HOUR = 3_600_000;
const FROM = new Date('2026-12-03T00:00:00Z');

describe('the longest gap of a schedule', () => {
  it('is a day for a daily run in UTC, and 25 hours across the autumn change in Helsinki', () => {
    expect(longestGap('cron(0 2 * * ? *)', 'UTC', FROM)).toBe(24 * HOUR);
    expect(longestGap('cron(0 2 * * ? *)', 'Europe/Helsinki', FROM)).toBe(25 * HOUR);
  });

  it('is the weekend for MON-FRI: Friday to Monday, 72 hours (73 when the clocks go back that weekend)', () => {
    expect(longestGap('cron(30 1 ? * MON-FRI *)', 'UTC', FROM)).toBe(72 * HOUR);
    // 2027-10-31 is a Sunday: Europe's clocks go back an hour inside that weekend.
    expect(longestGap('cron(30 1 ? * MON-FRI *)', 'Europe/Berlin', FROM)).toBe(73 * HOUR);
  });

  it('is a week for a weekly run, an hour longer across the autumn change', () => {
    expect(longestGap('cron(0 3 ? * SUN *)', 'UTC', FROM)).toBe(7 * 24 * HOUR);
    expect(longestGap('cron(0 3 ? * 1 *)', 'America/New_York', FROM)).toBe((7 * 24 + 1) * HOUR);
  });

  it('follows a spring-forward: the skipped 03:30 in Helsinki fires at 04:30 local time', () => {
    const march = firings(
      'cron(30 3 * * ? *)',
      'Europe/Helsinki',
      new Date('2027-03-27T00:00:00Z'),
      new Date('2027-03-30T00:00:00Z'),
    ).map((time) => new Date(time).toISOString());
    expect(march).toEqual([
      '2027-03-27T01:30:00.000Z',
      '2027-03-28T01:30:00.000Z',
      '2027-03-29T00:30:00.000Z',
    ]);
  });

  it('is the rate itself for rate(...); an hour for an hourly cron, two where an autumn change repeats an hour', () => {
    expect(longestGap('rate(6 hours)', 'UTC', FROM)).toBe(6 * HOUR);
    expect(longestGap('rate(1 day)', 'UTC', FROM)).toBe(24 * HOUR);
    expect(longestGap('cron(15 * * * ? *)', 'UTC', FROM)).toBe(HOUR);
    expect(longestGap('cron(15 * * * ? *)', 'Europe/Helsinki', FROM)).toBe(2 * HOUR);
  });

  it('covers month ends and nth weekdays: the last day and the first Monday of each month', () => {
    expect(longestGap('cron(0 2 L * ? *)', 'UTC', FROM)).toBe(31 * 24 * HOUR);
    expect(longestGap('cron(0 2 ? * MON#1 *)', 'UTC', FROM)).toBe(35 * 24 * HOUR);
  });

  it('refuses an expression that does not repeat, naming it', () => {
    expect(() => longestGap('cron(0 2 1 1 ? 2026)', 'UTC', FROM)).toThrow(ScheduleError);
    expect(() => longestGap('cron(0 2 * *)', 'UTC', FROM)).toThrow(/is not cron\(minutes hours/);
  });
});

let scratch: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  scratch = await makeTempDir('freshness');
});
afterAll(() => scratch.remove());

/** A file store holding only the site's latest.json, when given a run id. */
async function storeWith(latestRunId?: string): Promise<ObjectStore> {
  const store = createStore(`file://${scratch.path}/${latestRunId ?? 'empty'}`, { cwd: '/' });
  if (latestRunId !== undefined) {
    const key = `snapshots/site=acme/date=x/run=${latestRunId}/manifest.json`;
    await store.put(latestPointerKey('acme'), JSON.stringify({ runId: latestRunId, key }));
  }
  return store;
}

describe('the freshness check', () => {
  const settings = { siteId: 'acme', windowMs: 81 * HOUR, watchingSince: new Date('2026-11-01T00:00:00Z') };

  it('a weekday site is fresh on Monday morning after a Friday snapshot, overdue once the window passes', async () => {
    const friday = '20261127T013000Z';
    const monday = new Date('2026-11-30T09:00:00Z');
    expect(await checkFreshness(await storeWith(friday), settings, monday)).toEqual({
      site: 'acme',
      latestRunId: friday,
      ageHours: 79.5,
      windowHours: 81,
      overdue: false,
    });
    const tuesday = new Date('2026-11-30T11:00:00Z');
    expect((await checkFreshness(await storeWith(friday), settings, tuesday)).overdue).toBe(true);
  });

  it('before the first snapshot, counts from when watching began', async () => {
    const result = await checkFreshness(await storeWith(), settings, new Date('2026-11-03T00:00:00Z'));
    expect(result).toEqual({ site: 'acme', ageHours: 48, windowHours: 81, overdue: false });
    expect(
      (await checkFreshness(await storeWith(), settings, new Date('2026-11-05T00:00:00Z'))).overdue,
    ).toBe(true);
  });
});
