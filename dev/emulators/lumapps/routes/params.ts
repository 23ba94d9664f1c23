import type { Reply } from '../../shared/http.ts';
import { parseFields, type Selection } from '../partial-response.ts';
import { apiError } from './errors.ts';

/** A parsed parameter, or the 400 that refuses it. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reply: Reply };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const refuse = (message: string): Parsed<never> => ({ ok: false, reply: apiError(400, message) });

/** The discovery document's default page size for user/list. */
export const DEFAULT_MAX_RESULTS = 30;

/** `maxResults`: 30 when absent, clamped to the emulator's page size; not a positive integer is a 400. */
export function maxResults(query: URLSearchParams, pageSize: number): Parsed<number> {
  const raw = query.get('maxResults');
  if (raw === null || raw === '') return ok(Math.min(DEFAULT_MAX_RESULTS, pageSize));
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return refuse(`Invalid integer value: '${raw}'.`);
  return ok(Math.min(Number(raw), pageSize));
}

/** A protorpc boolean: `true`/`false` in any letter case; absent is false. */
export function booleanParam(query: URLSearchParams, name: string): Parsed<boolean> {
  const raw = query.get(name);
  if (raw === null || raw === '') return ok(false);
  const lower = raw.toLowerCase();
  if (lower === 'true') return ok(true);
  if (lower === 'false') return ok(false);
  return refuse(`Invalid boolean value: '${raw}' for ${name}.`);
}

export function enumParam<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
): Parsed<T | undefined> {
  const raw = query.get(name);
  if (raw === null || raw === '') return ok(undefined);
  return (allowed as readonly string[]).includes(raw)
    ? ok(raw as T)
    : refuse(`Invalid value '${raw}' for ${name}: expected one of ${allowed.join(', ')}.`);
}

/** A repeated parameter (`feeds=a&feeds=b`), empty values dropped. */
export function repeated(query: URLSearchParams, name: string): string[] {
  return query.getAll(name).filter((value) => value !== '');
}

export function fieldsParam(query: URLSearchParams): Parsed<Selection | undefined> {
  const raw = query.get('fields');
  if (raw === null || raw === '') return ok(undefined);
  const selection = parseFields(raw);
  return selection === undefined ? refuse(`Invalid field selection ${raw}`) : ok(selection);
}
