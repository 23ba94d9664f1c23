import { describe, expect, it } from 'vitest';
import { bodyAnomalies } from '../../functions/shared/http/body-anomalies.ts';

const check = (text: string, invalidUtf8 = false) => bodyAnomalies(text, JSON.parse(text), invalidUtf8);

describe('what JSON.parse hides in a listing body', () => {
  it('finds nothing in ordinary pages, whatever their strings hold', () => {
    expect(
      check('{"users":[{"email":"a@x","name":"say \\"hi\\": now"},{"email":"b@x","tags":{"a":1}}]}'),
    ).toEqual({
      invalidUtf8Records: 0,
      duplicateKeyRecords: 0,
    });
    expect(check('{"total_users":0,"users":[]}')).toEqual({ invalidUtf8Records: 0, duplicateKeyRecords: 0 });
  });

  it('counts each record with a repeated key once, nested objects included', () => {
    const text =
      '{"users":[{"email":"a@x","email":"b@x"},{"email":"c@x"},{"email":"d@x","raw":{"k":1,"k":2,"j":3,"j":4}}]}';
    expect(check(text).duplicateKeyRecords).toBe(2);
  });

  it('counts records holding U+FFFD only when the bytes were not UTF-8', () => {
    const text = '{"items":[{"name":"Ren\uFFFDe"},{"name":"plain"},{"name":"\uFFFD","more":"\uFFFD"}]}';
    expect(check(text, true).invalidUtf8Records).toBe(2);
    expect(check(text, false).invalidUtf8Records).toBe(0);
  });
});
