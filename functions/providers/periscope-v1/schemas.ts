import * as z from 'zod';
import { normaliseTimestamp } from './timestamps.ts';

/**
 * The documented shapes of the Periscope v1 User and Group Management API. Every page is checked
 * against them before a record is used; fields the vendor adds later pass through (loose objects)
 * and stay in each record's `raw`.
 */

/**
 * An ISO-8601 instant, parsed to UTC with `Z`, or null for "never". Anything unreadable is a
 * protocol error, not a guess.
 */
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

export const userRecordSchema = z.looseObject({
  email: z.string().min(1),
  // Documented as strings; a null name means "has the field, empty" rather than a broken page.
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  groups: z.array(z.string()),
  last_login_at: timestamp,
  password_updated_at: timestamp,
  tfa_enabled: z.boolean().nullable(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const groupRecordSchema = z.looseObject({
  name: z.string().min(1),
  access: z.string(),
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

export const groupDetailSchema = z.looseObject({
  name: z.string().min(1),
  access: z.string(),
  dashboards: z.array(z.looseObject({ name: z.string(), access: z.string() })),
});
export type GroupDetail = z.infer<typeof groupDetailSchema>;

const count = z.number().int().nonnegative();
const cursor = z.string().min(1).nullable();

/** The page's own record count, when it sends one, must match what it holds: else it was cut or mangled. */
export function countsMatch(countFields: readonly string[], itemsField: string) {
  return (context: z.core.ParsePayload<Record<string, unknown>>) => {
    const held = (context.value[itemsField] as unknown[]).length;
    for (const field of countFields) {
      const declared = context.value[field];
      if (declared !== undefined && declared !== held) {
        context.issues.push({
          code: 'custom',
          input: declared,
          path: [field],
          message: `says ${String(declared)} records but the page holds ${held}`,
        });
      }
    }
  };
}

export const usersPageSchema = z
  .looseObject({
    total_users: count,
    users_this_page: count,
    next_page_start: cursor,
    users: z.array(userRecordSchema),
  })
  .check(countsMatch(['users_this_page'], 'users'));
export type UsersPage = z.infer<typeof usersPageSchema>;

export const groupsPageSchema = z
  .looseObject({
    total_groups: count,
    groups_this_page: count,
    next_page_start: cursor,
    groups: z.array(groupRecordSchema),
  })
  .check(countsMatch(['groups_this_page'], 'groups'));
export type GroupsPage = z.infer<typeof groupsPageSchema>;
