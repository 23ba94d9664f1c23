import { describe, expect, it } from 'vitest';
import { userFieldsSchema } from '../../functions/shared/model.ts';
import { surelyUserFields } from '../../functions/snapshot/read-snapshot.ts';

const valid = {
  key: 'user0000001@bench.example',
  email: 'user0000001@bench.example',
  firstName: 'First1',
  lastName: 'Last1',
  status: 'active',
  groups: ['All Users', 'Team 0406'],
  lastLoginAt: '2026-10-25T03:00:00.000Z',
  passwordUpdatedAt: null,
  mfaEnabled: true,
  createdAt: '2026-03-27T10:00:00Z',
};

const times = [
  ...['2026', '2024', '1900', '2000'].flatMap((year) =>
    ['01', '02', '04', '09', '11', '12', '13', '00'].flatMap((month) =>
      ['00', '01', '28', '29', '30', '31', '32'].map((day) => `${year}-${month}-${day}T12:00:00Z`),
    ),
  ),
  '2026-10-25T23:59:59.999999Z',
  '2026-10-25T24:00:00Z',
  '2026-10-25T12:60:00Z',
  '2026-10-25T12:00:60Z',
  '2026-10-25T12:00:00',
  '2026-10-25T12:00:00z',
  '2026-10-25T12:00:00+00:00',
  '2026-10-25T12:00Z',
  '2026-10-25 12:00:00Z',
  '2026-10-25T12:00:00.Z',
  '2026-10-25',
  '',
  null,
  undefined,
  0,
];

/** The valid user with one field replaced (or removed, for undefined), and with odd extras. */
function variants(): unknown[] {
  const out: unknown[] = [valid, null, [], 'text', {}, { ...valid, raw: {} }, { ...valid, extra: 1 }];
  out.push(JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(valid).slice(1)}`));
  const odd = [undefined, null, '', 'x', 0, true, [], ['x'], [1], {}];
  for (const field of Object.keys(userFieldsSchema.shape)) {
    for (const value of [...odd, 'active', 'unknown', 'ACTIVE'])
      out.push(value === undefined ? without(field) : { ...valid, [field]: value });
  }
  for (const field of ['lastLoginAt', 'passwordUpdatedAt', 'createdAt'])
    for (const time of times) out.push(time === undefined ? without(field) : { ...valid, [field]: time });
  return out;
}

function without(field: string): Record<string, unknown> {
  const { [field]: _dropped, ...rest } = valid as Record<string, unknown>;
  return rest;
}

describe('the quick check of a user record', () => {
  it('never vouches for a record zod would refuse', () => {
    const vouched = variants().filter((value) => surelyUserFields(value));
    const refused = vouched.filter((value) => !userFieldsSchema.safeParse(value).success);
    expect(refused).toEqual([]);
  });

  it('vouches for the records rollcall writes, so zod is rarely asked', () => {
    expect(surelyUserFields(valid)).toBe(true);
    expect(surelyUserFields({ key: 'k', status: 'unknown', groups: [] })).toBe(true);
    const accepted = variants().filter((value) => userFieldsSchema.safeParse(value).success);
    const unsure = accepted.filter((value) => !surelyUserFields(value));
    // Only leap days (29 February of a leap year) are left to zod.
    expect(unsure.map((value) => JSON.stringify(value))).toEqual(
      accepted
        .filter((value) => JSON.stringify(value).includes('-02-29T'))
        .map((value) => JSON.stringify(value)),
    );
  });
});
