import { describe, expect, it } from 'vitest';
import { parseExpires } from '../../cli/options.ts';
import { MAX_LINK_SECONDS } from '../../functions/reports/share-links.ts';
import { parseDuration } from '../../functions/shared/duration.ts';
import { ConfigError } from '../../functions/shared/errors.ts';

describe('parseDuration', () => {
  it.each([
    ['30m', 1800],
    ['24h', 86_400],
    ['7d', 604_800],
    ['90s', 90],
    ['1d12h', 129_600],
    ['1h30m', 5400],
    ['2d3h4m5s', 2 * 86_400 + 3 * 3600 + 4 * 60 + 5],
    ['36h', 129_600],
    [' 24H ', 86_400],
    ['0d1s', 1],
  ])('reads %j as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    '',
    'soon',
    '24',
    'h',
    '0h',
    '0d0h',
    '-1h',
    '1.5h',
    '1w',
    '12h1d',
    '1h1h',
    '1 h',
    '24 hours',
    'PT24H',
    '99999999999999999999d',
  ])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseExpires (--expires)', () => {
  it('accepts up to and including the 7 days S3 allows', () => {
    expect(parseExpires('7d', '--expires', MAX_LINK_SECONDS)).toBe(604_800);
    expect(parseExpires('168h', '--expires', MAX_LINK_SECONDS)).toBe(604_800);
    expect(parseExpires('1s', '--expires', MAX_LINK_SECONDS)).toBe(1);
  });

  it.each([
    ['8d', 'is longer than S3 allows'],
    ['168h1s', 'is longer than S3 allows'],
    ['soon', 'is not a duration'],
    ['0m', 'is not a duration'],
  ])('refuses %j with one message naming the flag and the accepted forms', (value, problem) => {
    const attempt = () => parseExpires(value, '--expires', MAX_LINK_SECONDS);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      `--expires: "${value}" ${problem}; use a number and a unit (s, m, h, d), such as 30m, 24h or 7d, from 1s up to 7d (the longest a presigned S3 link can live).`,
    );
  });
});
