import { parseJsonObject } from '../../shared/http.ts';
import { apiError } from './errors.ts';
import type { Parsed } from './params.ts';

/**
 * Reading a JSON request body the way ProtoRPC does: `null` is the same as leaving a field out,
 * and a value of the wrong type is a 400 naming the field (never echoing the value: a body may
 * hold a password).
 */

export type Body = Readonly<Record<string, unknown>>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const refuse = (message: string): Parsed<never> => ({ ok: false, reply: apiError(400, message) });

/** The body as a JSON object; `{}` when empty; a 400 when it is anything else. */
export function jsonBody(text: string): Parsed<Body> {
  const body = parseJsonObject(text);
  return body === undefined ? refuse('Parse Error: the request body must be a JSON object.') : ok(body);
}

export function optionalString(body: Body, name: string): Parsed<string | undefined> {
  const value = body[name];
  if (value === undefined || value === null) return ok(undefined);
  return typeof value === 'string' ? ok(value) : refuse(`Expected a string for field ${name}.`);
}

/** A string that must be there and hold more than white space. */
export function requiredString(body: Body, name: string): Parsed<string> {
  const value = optionalString(body, name);
  if (!value.ok) return value;
  return value.value === undefined || value.value.trim() === ''
    ? refuse(`${name} is required.`)
    : ok(value.value);
}

/** Absent is fine; present must hold more than white space. */
export function nonBlankString(body: Body, name: string): Parsed<string | undefined> {
  const value = optionalString(body, name);
  if (!value.ok || value.value === undefined) return value;
  return value.value.trim() === '' ? refuse(`${name} must not be empty.`) : value;
}

export function optionalBoolean(body: Body, name: string): Parsed<boolean | undefined> {
  const value = body[name];
  if (value === undefined || value === null) return ok(undefined);
  return typeof value === 'boolean' ? ok(value) : refuse(`Expected a boolean for field ${name}.`);
}

export function optionalEnum<T extends string>(
  body: Body,
  name: string,
  allowed: readonly T[],
): Parsed<T | undefined> {
  const value = optionalString(body, name);
  if (!value.ok || value.value === undefined) return value as Parsed<undefined>;
  return (allowed as readonly string[]).includes(value.value)
    ? ok(value.value as T)
    : refuse(`Invalid value for field ${name}: expected one of ${allowed.join(', ')}.`);
}

/** A list of strings; absent is an empty list. */
export function stringList(body: Body, name: string): Parsed<string[]> {
  const value = body[name];
  if (value === undefined || value === null) return ok([]);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    return refuse(`Expected a list of strings for field ${name}.`);
  }
  return ok(value as string[]);
}

/** A list of objects; absent is undefined. */
export function objectList(body: Body, name: string): Parsed<Body[] | undefined> {
  const value = body[name];
  if (value === undefined || value === null) return ok(undefined);
  if (
    !Array.isArray(value) ||
    !value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))
  ) {
    return refuse(`Expected a list of objects for field ${name}.`);
  }
  return ok(value as Body[]);
}

/** The record id a save names: `id`, else `uid` (the same value in the API's records). */
export function recordId(body: Body): Parsed<string | undefined> {
  const id = optionalString(body, 'id');
  if (!id.ok) return id;
  if (id.value !== undefined && id.value !== '') return id;
  const uid = optionalString(body, 'uid');
  if (!uid.ok) return uid;
  return ok(uid.value === '' ? undefined : uid.value);
}
