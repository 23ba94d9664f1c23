import * as z from 'zod';
import { normaliseTimestamp } from '../periscope-v1/timestamps.ts';

/**
 * The shapes of the Trivore ID Management API (SDK 2.0 models). Every page is checked before a
 * record is used. Fields the connector does not read are not checked, and fields the vendor adds
 * later pass through (loose objects) into each record's `raw`. Optional fields accept null too:
 * the SDK leaves unset attributes out or sends them as null.
 */

const javaInstant = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * An instant as Java's Instant#toString writes it (no fraction on a whole second, else 3, 6 or 9
 * digits) in the millisecond form the shared parser checks with arithmetic alone: a third of the
 * cost of parsing the other forms, for every user of every page.
 */
export function toMillisecondForm(value: string): string {
  const match = javaInstant.exec(value);
  if (!match) return value;
  return `${match[1]}.${(match[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

/** An ISO-8601 instant, normalised to UTC with milliseconds and Z. */
const instant = z.string().transform((value, context) => {
  const normalised = normaliseTimestamp(toMillisecondForm(value));
  if (normalised === undefined) {
    context.issues.push({ code: 'custom', input: value, message: 'not an ISO-8601 timestamp' });
    return z.NEVER;
  }
  return normalised;
});

const meta = z.looseObject({ created: instant.nullish() }).nullish();

export const userRecordSchema = z.looseObject({
  id: z.string().min(1),
  username: z.string().nullish(),
  emails: z
    .array(z.looseObject({ address: z.string().nullish(), verified: z.boolean().nullish() }))
    .nullish(),
  name: z
    .looseObject({
      givenName: z.string().nullish(),
      middleName: z.string().nullish(),
      familyName: z.string().nullish(),
    })
    .nullish(),
  memberOf: z.array(z.string().min(1)).nullish(),
  mfaMethod: z.string().nullish(),
  locked: z.boolean().nullish(),
  meta,
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const groupRecordSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  description: z.string().nullish(),
  memberOf: z.array(z.string()).nullish(),
  meta,
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

const count = z.number().int().nonnegative();

/**
 * A listing page. `resources` is lower-case and `startIndex` 0-based: a SCIM-style body
 * (`Resources`) fails here instead of reading as an empty page.
 */
export function pageSchema<Record extends z.ZodType>(record: Record) {
  return z.looseObject({
    totalResults: count,
    startIndex: count.optional(),
    itemsPerPage: count.optional(),
    resources: z.array(record),
  });
}

export const usersPageSchema = pageSchema(userRecordSchema);
export const groupsPageSchema = pageSchema(groupRecordSchema);

/** Trivore's error envelope; the message is what the user is shown. */
export const errorBodySchema = z.looseObject({ errorMessage: z.string(), statusCode: z.number().optional() });
