import { describe, expect, it } from 'vitest';
import { parseWithoutRaw, snapshotLine } from '../../functions/snapshot/jsonl.ts';

describe('snapshot lines', () => {
  it('write raw as the last key, whatever order the record was built in', () => {
    const line = snapshotLine({ raw: { email: 'A@x' }, key: 'a@x', status: 'active' } as never);
    expect(line).toBe('{"key":"a@x","status":"active","raw":{"email":"A@x"}}');
    expect(JSON.parse(line)).toEqual({ key: 'a@x', status: 'active', raw: { email: 'A@x' } });
  });

  it('read back without raw, even when a value or raw itself spells the raw key', () => {
    const record = {
      key: 'x',
      firstName: 'Mallory ,"raw":{"admin":true}',
      groups: [',"raw":', '"}'],
      raw: { raw: { nested: ',"raw":' }, note: 'quotes " and \\ backslashes' },
    };
    const line = snapshotLine(record);
    expect(parseWithoutRaw(line)).toEqual({ key: 'x', firstName: record.firstName, groups: record.groups });
    expect(JSON.parse(line)).toEqual(record);
  });

  it('parse a line without raw whole, and a record with no other field', () => {
    expect(parseWithoutRaw('{"key":"k","raw":null}')).toEqual({ key: 'k' });
    expect(parseWithoutRaw('{"key":"k"}')).toEqual({ key: 'k' });
    expect(snapshotLine({ raw: 1 })).toBe('{"raw":1}');
    expect(parseWithoutRaw(snapshotLine({ raw: 1 }))).toEqual({});
  });
});

describe('the record schemas', () => {
  it('have no defaults or transforms: a valid record parses to itself (the snapshot reader relies on it)', async () => {
    const { canonicalUserSchema, canonicalGroupSchema, userFieldsSchema, groupFieldsSchema } = await import(
      '../../functions/shared/model.ts'
    );
    const user = { key: 'a@x', status: 'active', groups: ['g'], lastLoginAt: null, mfaEnabled: false };
    const group = { key: 'g', name: 'G', memberCount: 1 };
    expect(userFieldsSchema.parse(user)).toEqual(user);
    expect(groupFieldsSchema.parse(group)).toEqual(group);
    expect(canonicalUserSchema.parse({ ...user, raw: { x: 1 } })).toEqual({ ...user, raw: { x: 1 } });
    expect(canonicalGroupSchema.parse({ ...group, raw: null })).toEqual({ ...group, raw: null });
    expect(userFieldsSchema.safeParse({ ...user, extra: 1 }).success).toBe(false);
  });
});
