/**
 * What a write body may say, checked the way a Jackson-bound Spring controller would: unknown
 * fields are ignored (Spring Boot's default), known fields of the wrong type are a 400 naming the
 * field, and server-owned fields (`id`, `meta`, `mfaMethod`, `password`) are never stored.
 */
import type { TrivoreAccountType, TrivoreEmail, TrivoreMobile, TrivoreName } from '../types.ts';

/** The writable fields of a user, as a POST or PUT body gave them (full replace: absent is empty). */
export interface UserBody {
  /** Absent (or empty) on a POST: generated from the first e-mail address. Required on a PUT. */
  readonly username: string | undefined;
  readonly userAccountType: TrivoreAccountType;
  /** Absent: the server's default namespace (POST) or the user's own (PUT). */
  readonly nsCode: string | undefined;
  readonly emails: TrivoreEmail[];
  readonly mobiles: TrivoreMobile[];
  readonly name: TrivoreName;
  /** Group ids or group names, as sent; names are resolved (and unknown ones created) by the route. */
  readonly memberOf: string[];
  readonly locked: boolean;
  /** The `id` the body names, if any: a PUT refuses one that differs from the path. */
  readonly id: string | undefined;
  /** Whether a password was sent (never its value: the emulator keeps no passwords). */
  readonly hasPassword: boolean;
}

export interface GroupBody {
  readonly name: string;
  readonly description: string | undefined;
  readonly nsCode: string | undefined;
  /** Parent group ids. */
  readonly memberOf: string[];
  readonly id: string | undefined;
}

type Json = Record<string, unknown>;

class Invalid extends Error {}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Jackson maps an absent field and `null` alike. */
const given = (value: unknown): boolean => value !== undefined && value !== null;

function string(body: Json, field: string, where = field): string | undefined {
  const value = body[field];
  if (!given(value)) return undefined;
  if (typeof value !== 'string') throw new Invalid(`${where} must be a string`);
  return value;
}

function boolean(body: Json, field: string, where = field): boolean | undefined {
  const value = body[field];
  if (!given(value)) return undefined;
  if (typeof value !== 'boolean') throw new Invalid(`${where} must be true or false`);
  return value;
}

function list(body: Json, field: string): unknown[] {
  const value = body[field];
  if (!given(value)) return [];
  if (!Array.isArray(value)) throw new Invalid(`${field} must be an array`);
  return value;
}

function objects(body: Json, field: string): Json[] {
  return list(body, field).map((item, index) => {
    if (!isObject(item)) throw new Invalid(`${field}[${index}] must be an object`);
    return item;
  });
}

function strings(body: Json, field: string): string[] {
  return list(body, field).map((item, index) => {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new Invalid(`${field}[${index}] must be a non-empty string`);
    }
    return item;
  });
}

function emails(body: Json): TrivoreEmail[] {
  return objects(body, 'emails').map((email, index) => {
    const where = `emails[${index}]`;
    const address = string(email, 'address', `${where}.address`)?.trim();
    if (!address) throw new Invalid(`${where}.address is required`);
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new Invalid(`${where}.address is not an e-mail address`);
    const name = string(email, 'name', `${where}.name`);
    const tags = given(email.tags) ? strings(email, 'tags') : undefined;
    return {
      address,
      verified: boolean(email, 'verified', `${where}.verified`) ?? false,
      ...(name === undefined ? {} : { name }),
      ...(tags === undefined ? {} : { tags }),
    };
  });
}

function mobiles(body: Json): TrivoreMobile[] {
  return objects(body, 'mobiles').map((mobile, index) => {
    const where = `mobiles[${index}]`;
    const number = string(mobile, 'number', `${where}.number`)?.trim();
    if (!number) throw new Invalid(`${where}.number is required`);
    return { number, verified: boolean(mobile, 'verified', `${where}.verified`) ?? false };
  });
}

function name(body: Json): TrivoreName {
  const value = body.name;
  if (!given(value)) return { givenName: '', middleName: '', familyName: '' };
  if (!isObject(value)) throw new Invalid('name must be an object');
  return {
    givenName: string(value, 'givenName', 'name.givenName') ?? '',
    middleName: string(value, 'middleName', 'name.middleName') ?? '',
    familyName: string(value, 'familyName', 'name.familyName') ?? '',
  };
}

function accountType(body: Json): TrivoreAccountType {
  const value = string(body, 'userAccountType') ?? 'PERSON';
  if (value !== 'PERSON' && value !== 'LEGAL_ENTITY') {
    throw new Invalid('userAccountType must be PERSON or LEGAL_ENTITY');
  }
  return value;
}

/** The writable user fields of a body, or the 400 message naming the first bad field. */
export function parseUserBody(body: Json): UserBody | string {
  try {
    const username = string(body, 'username')?.trim();
    return {
      username: username === '' ? undefined : username,
      userAccountType: accountType(body),
      nsCode: string(body, 'nsCode'),
      emails: emails(body),
      mobiles: mobiles(body),
      name: name(body),
      memberOf: strings(body, 'memberOf'),
      locked: boolean(body, 'locked') ?? false,
      id: string(body, 'id'),
      hasPassword: given(body.password),
    };
  } catch (error) {
    if (error instanceof Invalid) return `Invalid user: ${error.message}`;
    throw error;
  }
}

/** The writable group fields of a body, or the 400 message naming the first bad field. */
export function parseGroupBody(body: Json): GroupBody | string {
  try {
    const groupName = string(body, 'name')?.trim();
    if (!groupName) throw new Invalid('name is required');
    return {
      name: groupName,
      description: string(body, 'description'),
      nsCode: string(body, 'nsCode'),
      memberOf: strings(body, 'memberOf'),
      id: string(body, 'id'),
    };
  } catch (error) {
    if (error instanceof Invalid) return `Invalid group: ${error.message}`;
    throw error;
  }
}

const SECRET_FIELD = /password|secret|token|otp/i;

/** A body for the request log: every field named like a secret is replaced, at any depth. */
export function redactBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactBody);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      SECRET_FIELD.test(key) ? '[redacted]' : redactBody(field),
    ]),
  );
}
