import * as z from 'zod';

/**
 * Request bodies of the write routes. Unknown keys are ignored, as Rails strong parameters would;
 * a present key with the wrong type or a blank value is a 400. The shared `parseBody` of the v1
 * emulator turns the first problem into the one-line message.
 */

// Deliberately loose: plus addresses, subdomains and mixed case must all pass.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = z.string().refine((s) => s.trim() !== '', 'must not be blank');
const email = z.string().regex(EMAIL, 'must be an e-mail address');
const roleReferences = z.array(z.string());

export const createUserBody = z.object({
  first_name: text,
  last_name: text,
  email,
  invited_by_email: email,
  roles: roleReferences.optional(),
});

export const updateUserBody = z.object({
  first_name: text.optional(),
  last_name: text.optional(),
  roles: roleReferences.optional(),
});

const privileges = z.array(z.object({ object_type: text, permissions: z.array(text) }));
const permissions = z.array(
  z.object({
    object_type: text,
    // S001 writes it as a string; a client that sends the listing's integer is accepted too.
    object_id: z.union([text, z.number().int()]).transform(String),
    permissions: z.array(text),
  }),
);

export const createRoleBody = z.object({
  name: text,
  description: z.string().optional(),
  created_by_email: email,
  privileges: privileges.optional(),
  permissions: permissions.optional(),
});

export const updateRoleBody = z.object({
  name: text.optional(),
  description: z.string().optional(),
  updated_by_email: email.optional(),
  privileges: privileges.optional(),
  permissions: permissions.optional(),
});
