import { describe, expect, it } from 'vitest';
import { generateSiteData, javaInstant } from '../../dev/emulators/trivore/data.ts';
import { parseFilter } from '../../dev/emulators/trivore/filter.ts';

describe('trivore emulator data', () => {
  const data = generateSiteData({ users: 300, groups: 25, seed: 7 });

  it('is the same for the same seed and different for another', () => {
    expect(generateSiteData({ users: 300, groups: 25, seed: 7 })).toEqual(data);
    expect(generateSiteData({ users: 300, groups: 25, seed: 8 }).users[0]?.id).not.toBe(data.users[0]?.id);
  });

  it('gives users and groups unique 24-hex ids, sorted as the listings serve them', () => {
    const ids = [...data.users, ...data.groups].map((record) => record.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    const userIds = data.users.map((user) => user.id);
    expect(userIds).toEqual([...userIds].sort());
  });

  it('has every case a mapping must decide: locked, each MFA method, no or unverified e-mail, hostile names', () => {
    const { users } = data;
    expect(users.some((user) => user.locked)).toBe(true);
    for (const method of ['TOTP', 'SMS', 'NONE'])
      expect(users.some((user) => user.mfaMethod === method)).toBe(true);
    expect(users.some((user) => user.emails.length === 0)).toBe(true);
    expect(
      users.some((user) => user.emails[0]?.verified === false && user.emails[1]?.verified === true),
    ).toBe(true);
    expect(users.some((user) => user.userAccountType === 'LEGAL_ENTITY')).toBe(true);
    const names = users.flatMap((user) => [user.name.givenName, user.name.familyName]);
    expect(names.some((name) => name.startsWith('='))).toBe(true);
    expect(names.some((name) => name.includes('\n'))).toBe(true);
    expect(names.some((name) => name.includes(','))).toBe(true);
    expect(data.groups.some((group) => group.description === undefined)).toBe(true);
    expect(data.groups.some((group) => group.memberOf.length > 0)).toBe(true);
  });

  it('writes instants as Java does: no fraction on whole seconds, 3 or 6 digits otherwise', () => {
    const ms = Date.UTC(2024, 0, 2, 3, 4, 5);
    expect(javaInstant(ms)).toBe('2024-01-02T03:04:05Z');
    expect(javaInstant(ms + 120)).toBe('2024-01-02T03:04:05.120Z');
    expect(javaInstant(ms + 120, 7)).toBe('2024-01-02T03:04:05.120007Z');
    const forms = data.users.map((user) => user.meta.created.replace(/^[^.Z]+/, '').length);
    expect(new Set(forms)).toEqual(new Set([1, 5, 8]));
  });
});

describe('trivore emulator filter', () => {
  const records = [
    { id: 'a', memberOf: ['g1', 'g2'], nsCode: 'acme', locked: false },
    { id: 'b', memberOf: ['g2'], nsCode: 'other', locked: true },
  ];
  const attributes = {
    id: (r: (typeof records)[number]) => r.id,
    memberOf: (r: (typeof records)[number]) => r.memberOf,
    nsCode: (r: (typeof records)[number]) => r.nsCode,
    locked: (r: (typeof records)[number]) => r.locked,
  };
  const matching = (text: string) => {
    const filter = parseFilter(text, attributes);
    if (typeof filter === 'string') throw new Error(filter);
    return records.filter(filter).map((record) => record.id);
  };

  it('tests membership with eq on an array attribute', () => {
    expect(matching('memberOf eq "g1"')).toEqual(['a']);
    expect(matching('memberOf eq "g2"')).toEqual(['a', 'b']);
  });

  it('joins comparisons with and, and reads booleans and the other operators', () => {
    expect(matching('memberOf eq "g2" and locked eq true')).toEqual(['b']);
    expect(matching('nsCode sw "ac"')).toEqual(['a']);
    expect(matching('nsCode ne "acme"')).toEqual(['b']);
    expect(matching('id pr')).toEqual(['a', 'b']);
  });

  it('refuses unknown or wrongly cased attributes and syntax it does not support', () => {
    expect(parseFilter('MemberOf eq "g1"', attributes)).toContain('not searchable');
    expect(parseFilter('memberOf eq g1', attributes)).toContain('cannot parse');
    expect(parseFilter('id eq "a" or id eq "b"', attributes)).toContain('only "and"');
  });
});
