import * as z from 'zod';

export const MANIFEST_SCHEMA_VERSION = 1;

const listingSourceSchema = z.strictObject({
  pages: z.number().int().nonnegative(),
  reportedTotal: z.number().int().nonnegative().nullable(),
  uniqueRecords: z.number().int().nonnegative(),
  duplicatesDropped: z.number().int().nonnegative(),
  retries: z.number().int().nonnegative(),
  // Optional from here to `complete`: manifests written before these were recorded lack them.
  rateLimitWaits: z.number().int().nonnegative().optional(),
  slowestRequestMs: z.number().int().nonnegative().optional(),
  /** Every different total the API reported during the listing, in order; more than one is drift. */
  reportedTotals: z.array(z.number().int().nonnegative()).optional(),
  /** Records whose bytes were not valid UTF-8 (kept with U+FFFD where the bytes were). */
  invalidUtf8Records: z.number().int().nonnegative().optional(),
  /** Records with a key twice in one JSON object (kept as parsed: the last value wins). */
  duplicateKeyRecords: z.number().int().nonnegative().optional(),
  complete: z.boolean(),
  reason: z.string().optional(),
  /** What a complete listing still wants a person to know (e.g. a role that came back without an id). */
  warnings: z.array(z.string()).optional(),
});

export const manifestFileSchema = z.strictObject({
  name: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const manifestSchema = z.strictObject({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  tool: z.strictObject({ name: z.literal('rollcall'), version: z.string() }),
  site: z.string(),
  provider: z.string(),
  /**
   * For people and for the audit's UNAVAILABLE reasons ("LumApps does not report lastLoginAt"), so
   * the audit needs no provider registry. Optional: manifests written before it lack it.
   */
  providerName: z.string().optional(),
  /** Which audit fields the provider has (see `Capabilities`); optional for the same reason. */
  capabilities: z
    .strictObject({
      lastLogin: z.boolean(),
      mfa: z.boolean(),
      passwordUpdated: z.boolean(),
      createdAt: z.boolean(),
      status: z.boolean(),
      /** How the source shows administrators; absent in manifests written before it was recorded. */
      privilege: z
        .strictObject({
          shownBy: z.string(),
          groupNames: z.array(z.string()),
          groupFlag: z.boolean(),
          userFlag: z.boolean(),
        })
        .optional(),
    })
    .optional(),
  /** Which site of the provider was read (e.g. `periscope site "acme" at https://…`); restore checks it. */
  origin: z.string().optional(),
  runId: z.string(),
  scheduledAt: z.iso.datetime(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  /**
   * How many slices (invocations) the export took, when more than one: startedAt is then the
   * first slice's start, finishedAt the last one's end.
   */
  slices: z.number().int().min(2).optional(),
  status: z.enum(['complete', 'incomplete']),
  reason: z.string().optional(),
  counts: z.strictObject({
    users: z.number().int().nonnegative(),
    groups: z.number().int().nonnegative(),
    memberships: z.number().int().nonnegative(),
  }),
  source: z.record(z.string(), listingSourceSchema),
  files: z.array(manifestFileSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const latestPointerSchema = z.strictObject({
  runId: z.string(),
  key: z.string(),
});
export type LatestPointer = z.infer<typeof latestPointerSchema>;
