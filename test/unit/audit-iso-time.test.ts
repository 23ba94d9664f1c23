import { describe, expect, it } from 'vitest';
import { timeOf } from '../../functions/audit/iso-time.ts';

describe('timeOf (the audit’s fast reading of canonical timestamps)', () => {
  it('agrees with Date.parse on canonical times across four centuries, with and without milliseconds', () => {
    const mismatches: string[] = [];
    const start = Date.parse('1900-01-01T00:00:00.000Z');
    const end = Date.parse('2300-01-01T00:00:00.000Z');
    // An irregular step so times of day, month ends and leap days all come up.
    for (let time = start; time < end; time += 86_400_000 * 2.37 + 1_234) {
      const withMillis = new Date(time).toISOString();
      const withoutMillis = `${withMillis.slice(0, 19)}Z`;
      for (const iso of [withMillis, withoutMillis]) {
        if (timeOf(iso) !== Date.parse(iso)) mismatches.push(iso);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it.each([
    '2024-02-29T12:00:00Z',
    '2000-02-29T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '2026-11-22T02:00:00.000Z',
  ])('reads %s exactly', (iso) => {
    expect(timeOf(iso)).toBe(Date.parse(iso));
  });

  it.each([
    '2026-02-29T00:00:00Z',
    '2026-04-31T00:00:00.000Z',
    '2026-13-01T00:00:00Z',
    '2026-1a-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:60Z',
    '2026-01-01T00:00:00+01:00',
    '2026-01-01 00:00:00Z',
    '+012026-01-01T00:00:00.000Z',
    'not a time',
    '',
  ])('leaves %j to Date.parse, so odd input reads exactly as before', (iso) => {
    expect(Object.is(timeOf(iso), Date.parse(iso))).toBe(true);
  });
});
