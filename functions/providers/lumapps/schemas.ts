import * as z from 'zod';
import { lumAppsTimestampToIso } from './timestamps.ts';

/**
 * The shapes of the LumApps v1 API as its discovery document describes them (schemas `User`,
 * `UserSubscription`, `Feed`, and the list responses). Every page is checked before a record is
 * used; only what rollcall reads is required, and everything else passes through (loose objects)
 * into each record's `raw`.
 */

/** A naive timestamp read as UTC, `null` when empty; anything unreadable is a protocol error. */
const timestamp = z
  .string()
  .nullable()
  .transform((value, context) => {
    if (value === null || value === '') return null;
    const iso = lumAppsTimestampToIso(value);
    if (iso === undefined) {
      context.issues.push({ code: 'custom', input: value, message: 'not an ISO-8601 timestamp' });
      return z.NEVER;
    }
    return iso;
  });

export const subscriptionSchema = z.looseObject({
  feed: z.string().min(1),
  /** `LIVE` by the schema's default. */
  status: z.string().optional(),
});
export type SubscriptionRecord = z.infer<typeof subscriptionSchema>;

export const userRecordSchema = z.looseObject({
  id: z.string().min(1),
  uid: z.string().optional(),
  email: z.string().nullable().optional(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  /** `enabled` by the schema's default, else `disabled`. */
  status: z.string().optional(),
  isHidden: z.boolean().optional(),
  createdAt: timestamp.optional(),
  subscriptions: z.array(subscriptionSchema).optional(),
  /** Administrator of the whole platform (LDISC `User`). */
  isSuperAdmin: z.boolean().nullable().optional(),
  /** LumApps staff access to every customer. */
  isGod: z.boolean().nullable().optional(),
  /** The sites (instances) the user administers. */
  instancesSuperAdmin: z.array(z.unknown()).nullable().optional(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const feedRecordSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
});
export type FeedRecord = z.infer<typeof feedRecordSchema>;

/** What the id-only check pass asks for (`fields=items(id,uid),cursor,more`). */
export const userIdSchema = z.looseObject({
  id: z.string().min(1),
  uid: z.string().optional(),
});
export type UserIdRecord = z.infer<typeof userIdSchema>;

/**
 * `{items, cursor, more, callId}`. `items` is left out when empty; `more` is required, because
 * without it nobody can tell whether the listing ended.
 */
export function listPageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    items: z.array(item).optional(),
    cursor: z.string().nullable().optional(),
    more: z.boolean(),
    callId: z.string().optional(),
  });
}

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().optional(),
});
