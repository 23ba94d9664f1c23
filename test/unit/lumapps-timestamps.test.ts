import { afterEach, describe, expect, it } from 'vitest';
import { lumAppsTimestampToIso } from '../../functions/providers/lumapps/timestamps.ts';

describe('lumapps naive timestamps', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('reads the API form (microseconds, no zone) as UTC, truncated to milliseconds', () => {
    expect(lumAppsTimestampToIso('2019-03-12T11:48:55.684166')).toBe('2019-03-12T11:48:55.684Z');
    expect(lumAppsTimestampToIso('2019-12-31T23:59:59.999999')).toBe('2019-12-31T23:59:59.999Z');
  });

  it('reads the form Python writes when the fraction is zero, and shorter fractions', () => {
    expect(lumAppsTimestampToIso('2019-03-12T11:48:55')).toBe('2019-03-12T11:48:55.000Z');
    expect(lumAppsTimestampToIso('2019-03-12T11:48:55.5')).toBe('2019-03-12T11:48:55.500Z');
    expect(lumAppsTimestampToIso('2019-03-12 11:48:55.684166')).toBe('2019-03-12T11:48:55.684Z');
  });

  it('is the same instant whatever the machine time zone (Date.parse would read it as local time)', () => {
    process.env.TZ = 'Pacific/Kiritimati';
    expect(lumAppsTimestampToIso('2019-03-12T11:48:55.684166')).toBe('2019-03-12T11:48:55.684Z');
    expect(new Date('2019-03-12T11:48:55.684').toISOString()).not.toBe('2019-03-12T11:48:55.684Z');
  });

  it('honours a zone should the API ever send one', () => {
    expect(lumAppsTimestampToIso('2019-03-12T11:48:55.684166Z')).toBe('2019-03-12T11:48:55.684Z');
    expect(lumAppsTimestampToIso('2019-03-12T11:48:55.684+02:00')).toBe('2019-03-12T09:48:55.684Z');
  });

  it('refuses what is not a real timestamp instead of rolling it over', () => {
    for (const value of [
      '',
      '2019-03-12',
      '2019-02-29T00:00:00',
      '2019-13-01T00:00:00',
      '2019-03-12T24:00:00',
      'yesterday',
    ]) {
      expect(lumAppsTimestampToIso(value), value).toBeUndefined();
    }
    expect(lumAppsTimestampToIso('2020-02-29T00:00:00')).toBe('2020-02-29T00:00:00.000Z');
  });
});
