import * as z from 'zod';
import { countsMatch } from '../periscope-v1/schemas.ts';
import { normaliseTimestamp } from '../periscope-v1/timestamps.ts';

/**
 * The shapes of the Periscope Users and Roles API for RBAC. The vendor's reference for it is not
 * retrievable, so what is known from examples (S001, CS-DASH) is required and what is inferred
 * (the users envelope, the v1 audit fields) is accepted in either plausible form; fields the
 * vendor adds later pass through (loose objects) and stay in each record's `raw`.
 */

/** An ISO-8601 instant, parsed to UTC with `Z` (the v1 format), or null for "never". */
const timestamp = z
  .string()
  .transform((value, context) => {
    const normalised = normaliseTimestamp(value);
    if (normalised === undefined) {
      context.issues.push({ code: 'custom', input: value, message: 'not an ISO-8601 timestamp' });
      return z.NEVER;
    }
    return normalised;
  })
  .nullable();

/** Ids are opaque: strings in the vendor's examples, integers for dashboards elsewhere. Kept as text. */
const opaqueId = z.union([z.string().min(1), z.number().int()]).transform(String);

const count = z.number().int().nonnegative();
/** Absent or null both end the listing. */
const cursor = opaqueId.nullable().optional();

/** A user's role: an id as in S001, or an object carrying an id or a name. */
const roleReference = z.union([
  opaqueId,
  z
    .looseObject({ id: opaqueId.nullable().optional(), name: z.string().min(1).optional() })
    .refine((role) => role.id != null || role.name !== undefined, 'a role reference needs an id or a name'),
]);
export type RoleReference = z.infer<typeof roleReference>;

export const userRecordSchema = z.looseObject({
  id: opaqueId,
  email: z.string().min(1).nullable().optional(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  roles: z.array(roleReference),
  last_login_at: timestamp.optional(),
  password_updated_at: timestamp.optional(),
  tfa_enabled: z.boolean().nullable().optional(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

const privilegeSchema = z.looseObject({ object_type: z.string(), permissions: z.array(z.string()) });
const permissionSchema = z.looseObject({
  object_type: z.string(),
  object_id: opaqueId,
  permissions: z.array(z.string()),
});
export type PermissionRecord = z.infer<typeof permissionSchema>;

export const roleRecordSchema = z.looseObject({
  // Absent on roles without a dashboard grant (CS-DASH); null is read the same way.
  id: opaqueId.nullable().optional(),
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  privileges: z.array(privilegeSchema).optional(),
  permissions: z.array(permissionSchema).optional(),
});
export type RoleRecord = z.infer<typeof roleRecordSchema>;

export const dashboardRecordSchema = z.looseObject({ id: opaqueId, name: z.string().nullable() });
export type DashboardRecord = z.infer<typeof dashboardRecordSchema>;

/** v1's envelope, which v2 most likely mirrors; the generic `items_this_page` is accepted too. */
export const usersPageSchema = z
  .looseObject({
    total_users: count.optional(),
    users_this_page: count.optional(),
    items_this_page: count.optional(),
    next_page_start: cursor,
    users: z.array(userRecordSchema),
  })
  .check(countsMatch(['users_this_page', 'items_this_page'], 'users'));
export type UsersPage = z.infer<typeof usersPageSchema>;

/** One response in the examples; a `next_page_start`, should one appear, is followed. */
export const rolesPageSchema = z.looseObject({
  next_page_start: cursor,
  roles: z.array(roleRecordSchema),
});

export const dashboardsPageSchema = z
  .looseObject({
    items_this_page: count.optional(),
    next_page_start: cursor,
    dashboards: z.array(dashboardRecordSchema),
  })
  .check(countsMatch(['items_this_page'], 'dashboards'));
