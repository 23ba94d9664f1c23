import * as z from 'zod';
import { parseJsonObject } from '../shared/http.ts';
import type { PeriscopeV1Access } from './types.ts';

/**
 * Request bodies. Unknown keys are ignored, as Rails strong parameters would; a present key
 * with the wrong type or a blank value is a 400.
 */

// Deliberately loose: plus addresses, subdomains and mixed case must all pass.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = z.string().refine((s) => s.trim() !== '', 'must not be blank');
const email = z.string().regex(EMAIL, 'must be an e-mail address');
const groupNames = z.array(z.string());

export const createUserBody = z.object({
  first_name: text,
  last_name: text,
  email,
  invited_by_email: email,
  groups: groupNames.optional(),
});

export const updateUserBody = z.object({
  first_name: text.optional(),
  last_name: text.optional(),
  groups: groupNames.optional(),
});

// The vendor's argument table says create_by_email, its example body created_by_email.
export const createGroupBody = z
  .object({
    name: text,
    access: z.string(),
    created_by_email: email.optional(),
    create_by_email: email.optional(),
  })
  .refine((b) => b.created_by_email !== undefined || b.create_by_email !== undefined, {
    message: 'is required',
    path: ['created_by_email'],
  });

export const updateGroupBody = z.object({
  name: text.optional(),
  access: z.string().optional(),
});

/** The parsed body, or the one line a person needs to fix the request (first problem, by field). */
export function parseBody<T>(schema: z.ZodType<T>, text: string): T | string {
  const json = parseJsonObject(text);
  if (json === undefined) return 'The request body must be a JSON object';
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  if (issue?.code === 'invalid_type') return `${field} is missing or not a ${issue.expected}`;
  return `${field} ${issue?.message ?? 'is invalid'}`;
}

const ACCESS: ReadonlyMap<string, PeriscopeV1Access> = new Map([
  ['sql', 'Sql'],
  ['view', 'View'],
  ['discovery', 'Discovery'],
]);

/** Case-insensitive on input, "Sql"/"View"/"Discovery" on output; undefined when invalid. */
export const parseAccess = (value: string): PeriscopeV1Access | undefined => ACCESS.get(value.toLowerCase());
