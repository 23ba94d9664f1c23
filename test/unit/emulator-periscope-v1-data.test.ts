import { describe, expect, it } from 'vitest';
import { generateSiteData, isoTimestamp } from '../../dev/emulators/periscope-v1/data.ts';
import { createRng } from '../../dev/emulators/shared/prng.ts';

const REFERENCE = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('mulberry32', () => {
  it('is reproducible and spreads over [0, 1)', () => {
    const a = createRng(7);
    const b = createRng(7);
    const values = Array.from({ length: 1000 }, () => a.next());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.filter((v) => v < 0.5).length).toBeGreaterThan(400);
    expect(createRng(8).next()).not.toBe(values[0]);
  });
});

describe('isoTimestamp', () => {
  it('formats exactly like Date#toISOString', () => {
    const days = new Map<number, string>();
    const rng = createRng(3);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(rng.next() * 4_000_000_000_000);
      expect(isoTimestamp(ms, days)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('generateSiteData', () => {
  const site = generateSiteData({ users: 600, groups: 30, seed: 11 });

  it('gives byte-identical data for the same options and different data for another seed', () => {
    const again = generateSiteData({ users: 600, groups: 30, seed: 11 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(site));
    const other = generateSiteData({ users: 600, groups: 30, seed: 12 });
    expect(JSON.stringify(other.users)).not.toBe(JSON.stringify(site.users));
    const later = generateSiteData({
      users: 600,
      groups: 30,
      seed: 11,
      referenceDate: '2027-01-01T00:00:00Z',
    });
    expect(JSON.stringify(later.users)).not.toBe(JSON.stringify(site.users));
  });

  it('makes the requested counts, sorted by lower-cased key, e-mails unique case-insensitively', () => {
    expect(site.users).toHaveLength(600);
    expect(site.groups).toHaveLength(30);
    const keys = site.users.map((u) => u.email.toLowerCase());
    expect(new Set(keys).size).toBe(600);
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const names = site.groups.map((g) => g.name.toLowerCase());
    expect(new Set(names).size).toBe(30);
  });

  it('puts every user in "All Users" plus 0–4 existing groups, with a few administrators', () => {
    const groupNames = new Set(site.groups.map((g) => g.name));
    const extraCounts = new Set<number>();
    for (const user of site.users) {
      expect(user.groups[0]).toBe('All Users');
      const extra = user.groups.filter((g) => g !== 'All Users' && g !== 'Administrators');
      expect(extra.length).toBeLessThanOrEqual(4);
      extraCounts.add(extra.length);
      for (const g of user.groups) expect(groupNames.has(g)).toBe(true);
      expect(new Set(user.groups).size).toBe(user.groups.length);
    }
    expect([...extraCounts].sort()).toEqual([0, 1, 2, 3, 4]);
    const admins = site.users.filter((u) => u.groups.includes('Administrators')).length;
    expect(admins).toBeGreaterThan(0);
    expect(admins).toBeLessThan(60);
  });

  it('has realistic groups: awkward names, dashboards 0–5, every access level', () => {
    const names = site.groups.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(['All Users', 'Administrators']));
    for (const ch of [' ', '&', '/', '%', '#', '?'])
      expect(
        names.some((n) => n.includes(ch)),
        ch,
      ).toBe(true);
    expect(names.some((n) => /[^ -~]/.test(n))).toBe(true);
    for (const g of site.groups) {
      expect(g.dashboards.length).toBeLessThanOrEqual(5);
      expect(['Sql', 'View', 'Discovery']).toContain(g.access);
    }
    expect(new Set(site.groups.map((g) => g.access))).toEqual(new Set(['Sql', 'View', 'Discovery']));
    expect(new Set(site.groups.map((g) => g.dashboards.length)).size).toBeGreaterThan(3);
  });

  it('has hostile names and e-mails', () => {
    const names = site.users.flatMap((u) => [u.first_name, u.last_name]);
    const has = (pattern: RegExp) => names.some((n) => pattern.test(n));
    expect(has(/,/)).toBe(true);
    expect(has(/"/)).toBe(true);
    expect(has(/\n/)).toBe(true);
    expect(has(/\p{Extended_Pictographic}/u)).toBe(true);
    expect(has(/[\u0600-\u06FF]/)).toBe(true);
    expect(has(/[\u0590-\u05FF]/)).toBe(true);
    for (const lead of ['=', '+', '-', '@'])
      expect(
        names.some((n) => n.startsWith(lead)),
        lead,
      ).toBe(true);
    const plus = site.users.filter((u) => u.email.includes('+'));
    expect(plus.length).toBeGreaterThan(10);
    // Plus addresses come with their base address, as second accounts do.
    const keys = new Set(site.users.map((u) => u.email.toLowerCase()));
    expect(plus.some((u) => keys.has(u.email.toLowerCase().replace(/\+[^@]*@/, '@')))).toBe(true);
    expect(site.users.some((u) => u.email !== u.email.toLowerCase())).toBe(true);
  });

  it('has timestamps relative to the reference date: never logged in, no TFA, old and recent passwords', () => {
    const never = site.users.filter((u) => u.last_login_at === null);
    expect(never.length).toBeGreaterThan(20);
    for (const u of never) expect(u.tfa_enabled).toBe(false);
    expect(site.users.some((u) => u.last_login_at !== null && !u.tfa_enabled)).toBe(true);
    expect(site.users.some((u) => u.tfa_enabled)).toBe(true);
    const ages = site.users
      .map((u) => u.password_updated_at)
      .filter((t): t is string => t !== null)
      .map((t) => (REFERENCE - Date.parse(t)) / DAY);
    expect(ages.some((d) => d > 3 * 365)).toBe(true);
    expect(ages.some((d) => d < 30)).toBe(true);
    for (const u of site.users) {
      for (const t of [u.last_login_at, u.password_updated_at]) {
        if (t === null) continue;
        expect(t).toMatch(ISO_MS);
        expect(Date.parse(t)).toBeLessThanOrEqual(REFERENCE);
      }
    }
  });

  it('gives even a tiny site the awkward cases', () => {
    const tiny = generateSiteData({ users: 6, groups: 1, seed: 1 });
    expect(tiny.groups.map((g) => g.name)).toEqual(['All Users']);
    expect(tiny.users.some((u) => u.last_login_at === null)).toBe(true);
    expect(tiny.users.some((u) => u.email.includes('+'))).toBe(true);
    expect(tiny.users.some((u) => u.email !== u.email.toLowerCase())).toBe(true);
    expect(generateSiteData({ users: 0, groups: 0, seed: 1 })).toEqual({
      users: [],
      groups: [{ name: 'All Users', access: 'Sql', dashboards: expect.any(Array) }],
    });
  });

  it('names groups beyond the pool without clashes', () => {
    const big = generateSiteData({ users: 10, groups: 200, seed: 2 });
    expect(new Set(big.groups.map((g) => g.name.toLowerCase())).size).toBe(200);
  });

  it('rejects impossible counts', () => {
    expect(() => generateSiteData({ users: -1, groups: 3, seed: 1 })).toThrow(RangeError);
    expect(() => generateSiteData({ users: 1.5, groups: 3, seed: 1 })).toThrow(RangeError);
    expect(() => generateSiteData({ users: 1, groups: 3, seed: 1, referenceDate: 'soon' })).toThrow(
      RangeError,
    );
  });

  it('generates 50,000 users with 50,000 distinct e-mails', () => {
    const big = generateSiteData({ users: 50_000, groups: 40, seed: 1 });
    expect(big.users).toHaveLength(50_000);
    expect(new Set(big.users.map((u) => u.email.toLowerCase())).size).toBe(50_000);
  });
});
