import { describe, expect, it } from 'vitest';
import {
  mfaEnabledOf,
  primaryEmail,
  statusOf,
  toCanonicalGroup,
  toCanonicalUser,
} from '../../functions/providers/trivore/mapping.ts';
import {
  groupRecordSchema,
  toMillisecondForm,
  userRecordSchema,
  usersPageSchema,
} from '../../functions/providers/trivore/schemas.ts';
import { canonicalGroupSchema, canonicalUserSchema } from '../../functions/shared/model.ts';

/** Shaped like the SDK 2.0 user model, with a field the vendor might add one day. */
const aino = {
  id: '5b0cfba4e2bb230ff8b535e6',
  username: 'aino.virtanen',
  userAccountType: 'PERSON',
  nsCode: 'acme',
  emails: [
    { address: 'old.aino@example.com', verified: false },
    { address: 'Aino.Virtanen@example.com', verified: true, name: 'work', tags: ['primary'] },
  ],
  mobiles: [{ number: '+358 40 123 4567', verified: true }],
  name: { givenName: 'Aino', middleName: 'Maria', familyName: 'Virtanen' },
  memberOf: ['b2', 'a1', 'b2'],
  mfaMethod: 'TOTP',
  locked: false,
  meta: {
    created: '2019-05-14T07:51:43.123456Z',
    lastModified: '2024-01-02T03:04:05Z',
    location: 'https://fi.trivoreid.com/api/rest/v1/user/5b0cfba4e2bb230ff8b535e6',
  },
  strongIdentification: { identified: true },
};

const user = (patch: Record<string, unknown>) => userRecordSchema.parse({ ...aino, ...patch });

describe('trivore user mapping', () => {
  it('maps a user to the canonical model, keyed by id, with the record verbatim in raw', () => {
    const mapped = toCanonicalUser(userRecordSchema.parse(aino), aino);
    expect(mapped).toEqual({
      key: '5b0cfba4e2bb230ff8b535e6',
      id: '5b0cfba4e2bb230ff8b535e6',
      email: 'Aino.Virtanen@example.com',
      firstName: 'Aino',
      lastName: 'Virtanen',
      status: 'active',
      groups: ['a1', 'b2'],
      mfaEnabled: true,
      createdAt: '2019-05-14T07:51:43.123Z',
      raw: aino,
    });
    expect(canonicalUserSchema.parse(mapped)).toEqual(mapped);
  });

  it('leaves last login and password date absent, not null: Trivore has neither field', () => {
    const mapped = toCanonicalUser(userRecordSchema.parse(aino), aino);
    expect(mapped).not.toHaveProperty('lastLoginAt');
    expect(mapped).not.toHaveProperty('passwordUpdatedAt');
  });

  it('takes the first verified address, else the first, and leaves email absent without one', () => {
    expect(primaryEmail(user({}))).toBe('Aino.Virtanen@example.com');
    expect(
      primaryEmail(
        user({
          emails: [{ address: 'first@example.com', verified: false }, { address: 'second@example.com' }],
        }),
      ),
    ).toBe('first@example.com');
    expect(
      primaryEmail(user({ emails: [{ address: '', verified: true }, { address: 'x@example.com' }] })),
    ).toBe('x@example.com');
    for (const emails of [[], null, undefined]) {
      const mapped = toCanonicalUser(user({ emails }), {});
      expect(mapped).not.toHaveProperty('email');
    }
  });

  it('maps locked to the locked status, false to active, and a missing flag to unknown', () => {
    expect(statusOf(user({ locked: true }))).toBe('locked');
    expect(statusOf(user({ locked: false }))).toBe('active');
    expect(statusOf(user({ locked: undefined }))).toBe('unknown');
    expect(statusOf(user({ locked: null }))).toBe('unknown');
  });

  it('counts every MFA method but NONE as enabled, and a missing method as unknown (null)', () => {
    expect(mfaEnabledOf(user({ mfaMethod: 'TOTP' }))).toBe(true);
    expect(mfaEnabledOf(user({ mfaMethod: 'SMS' }))).toBe(true);
    expect(mfaEnabledOf(user({ mfaMethod: 'WEBAUTHN' }))).toBe(true);
    expect(mfaEnabledOf(user({ mfaMethod: 'NONE' }))).toBe(false);
    expect(mfaEnabledOf(user({ mfaMethod: 'none' }))).toBe(false);
    expect(mfaEnabledOf(user({ mfaMethod: undefined }))).toBeNull();
    expect(mfaEnabledOf(user({ mfaMethod: null }))).toBeNull();
    expect(mfaEnabledOf(user({ mfaMethod: '' }))).toBeNull();
  });

  it('maps missing names to empty strings and a missing creation date to null', () => {
    const mapped = toCanonicalUser(user({ name: undefined, meta: undefined, memberOf: undefined }), {});
    expect(mapped).toMatchObject({ firstName: '', lastName: '', createdAt: null, groups: [] });
    expect(toCanonicalUser(user({ name: { givenName: 'Only' } }), {})).toMatchObject({
      firstName: 'Only',
      lastName: '',
    });
  });

  it('normalises every instant form Java writes to UTC with milliseconds', () => {
    const created = (value: string) => toCanonicalUser(user({ meta: { created: value } }), {}).createdAt;
    expect(created('2019-05-14T07:51:43Z')).toBe('2019-05-14T07:51:43.000Z');
    expect(created('2019-05-14T07:51:43.5Z')).toBe('2019-05-14T07:51:43.500Z');
    expect(created('2019-05-14T07:51:43.123456789Z')).toBe('2019-05-14T07:51:43.123Z');
    expect(created('2019-05-14T09:51:43.123+02:00')).toBe('2019-05-14T07:51:43.123Z');
  });

  it('rewrites Java instants to milliseconds before parsing, leaving other forms alone', () => {
    expect(toMillisecondForm('2019-05-14T07:51:43Z')).toBe('2019-05-14T07:51:43.000Z');
    expect(toMillisecondForm('2019-05-14T07:51:43.1Z')).toBe('2019-05-14T07:51:43.100Z');
    expect(toMillisecondForm('2019-05-14T07:51:43.123456Z')).toBe('2019-05-14T07:51:43.123Z');
    expect(toMillisecondForm('2019-05-14T09:51:43+02:00')).toBe('2019-05-14T09:51:43+02:00');
    expect(toMillisecondForm('2019-02-30T07:51:43Z')).toBe('2019-02-30T07:51:43.000Z');
    expect(toCanonicalUser(user({}), {}).createdAt).toBe('2019-05-14T07:51:43.123Z');
    expect(userRecordSchema.safeParse({ ...aino, meta: { created: '2019-02-30T07:51:43Z' } }).success).toBe(
      false,
    );
  });

  it('refuses records without an id and timestamps that are not instants', () => {
    expect(userRecordSchema.safeParse({ ...aino, id: '' }).success).toBe(false);
    expect(userRecordSchema.safeParse({ ...aino, id: undefined }).success).toBe(false);
    expect(userRecordSchema.safeParse({ ...aino, meta: { created: 'yesterday' } }).success).toBe(false);
    expect(userRecordSchema.safeParse({ ...aino, locked: 'no' }).success).toBe(false);
  });
});

describe('trivore pages and groups', () => {
  it('reads a page with lower-case resources and refuses a SCIM-style Resources page', () => {
    const page = { totalResults: 1, startIndex: 0, itemsPerPage: 1, resources: [aino] };
    expect(usersPageSchema.parse(page).resources).toHaveLength(1);
    expect(usersPageSchema.safeParse({ totalResults: 1, startIndex: 1, Resources: [aino] }).success).toBe(
      false,
    );
    // startIndex and itemsPerPage are only sent when paging parameters were.
    expect(usersPageSchema.safeParse({ totalResults: 0, resources: [] }).success).toBe(true);
  });

  it('maps a group keyed by id, keeping a description only when there is one', () => {
    const raw = {
      id: 'a1',
      name: 'Sales / EMEA',
      description: 'Line one\nline two',
      nsCode: 'acme',
      memberOf: ['b2'],
      meta: { created: '2020-01-01T00:00:00Z' },
    };
    const group = toCanonicalGroup(groupRecordSchema.parse(raw), raw, 3);
    expect(group).toEqual({
      key: 'a1',
      id: 'a1',
      name: 'Sales / EMEA',
      description: 'Line one\nline two',
      memberCount: 3,
      raw,
    });
    expect(canonicalGroupSchema.parse(group)).toEqual(group);
    for (const description of [undefined, null]) {
      const record = groupRecordSchema.parse({ ...raw, description });
      expect(toCanonicalGroup(record, raw, 0)).not.toHaveProperty('description');
    }
    expect(toCanonicalGroup(groupRecordSchema.parse({ ...raw, description: '' }), raw, 0).description).toBe(
      '',
    );
  });
});
