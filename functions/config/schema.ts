import * as z from 'zod';

/** Provider ids rollcall can export; the registry maps each to its adapter. */
export const providerIds = ['periscope-v1', 'periscope-v2', 'lumapps', 'trivore'] as const;

export const auditRuleIds = [
  'mfa-missing',
  'inactive',
  'never-logged-in',
  'password-stale',
  'privileged-grant',
] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const siteId = z.string().regex(/^[a-z0-9-]{1,63}$/, 'must be 1–63 lower-case letters, digits or dashes');

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine(
    (day) =>
      !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) &&
      new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
    'is not a calendar date',
  );

export const credentialsSourceSchema = z.union([
  z.strictObject({ secretId: z.string().min(1) }),
  z.strictObject({
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  }),
  z.strictObject({ file: z.string().min(1) }),
]);
export type CredentialsSource = z.infer<typeof credentialsSourceSchema>;

export const auditExceptionSchema = z.strictObject({
  user: z.string().min(1),
  rule: z.enum(auditRuleIds),
  reason: z.string().min(1),
  owner: z.string().min(1),
  expires: isoDay,
});

export const auditSettingsSchema = z.strictObject({
  inactiveDays: z.number().int().positive().default(45),
  neverLoggedInGraceDays: z.number().int().nonnegative().default(14),
  passwordMaxAgeDays: z.number().int().positive().default(90),
  privilegedGroups: z.array(z.string().min(1)).default([]),
  massChangeThreshold: z
    .strictObject({
      percent: z.number().positive().max(100).default(5),
      minimum: z.number().int().nonnegative().default(5),
    })
    .prefault({}),
  exceptions: z.array(auditExceptionSchema).default([]),
});

export type AuditSettings = z.infer<typeof auditSettingsSchema>;

/** How hard rollcall may push a site's API. */
export const httpSettingsSchema = z.strictObject({
  requestsPerSecond: z.number().positive().optional(),
  concurrency: z.number().int().min(1).max(32).default(8),
  timeoutSeconds: z.number().positive().max(300).default(30),
  maxRetries: z.number().int().min(0).max(10).default(5),
  /**
   * The largest response body rollcall reads from the site, in bytes (default 64 MiB): a larger
   * or endless one fails that site, cut off at the cap, instead of exhausting memory.
   */
  maxResponseBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(64 * 1024 * 1024),
});

export const siteSchema = z.strictObject({
  id: siteId,
  provider: z.enum(providerIds),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  credentials: credentialsSourceSchema,
  schedule: z
    .string()
    .regex(/^(cron|rate)\(.+\)$/, 'must be an EventBridge expression such as cron(0 2 * * ? *)')
    .default('cron(0 2 * * ? *)'),
  timezone: z
    .string()
    .min(1)
    .refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Helsinki')
    .default('UTC'),
  http: httpSettingsSchema.prefault({}),
  audit: auditSettingsSchema.prefault({}),
  restore: z
    .strictObject({
      /** Named as the sender of re-invitations and the author of re-created groups (Periscope). */
      invitedByEmail: z.email().optional(),
    })
    .prefault({}),
});
export type SiteConfig = z.infer<typeof siteSchema>;

/** The retention periods CloudWatch Logs accepts, in days. */
export const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** How long an overwritten or deleted archive version stays recoverable when the config does not say. */
export const DEFAULT_NONCURRENT_VERSION_DAYS = 7;

/**
 * Days the current version of an archive object is kept: what is left of `expireAfterDays` once
 * the noncurrent window is set aside, so no version outlives `expireAfterDays`.
 */
export function currentVersionDays(archive: {
  readonly expireAfterDays: number;
  readonly noncurrentVersionDays?: number | undefined;
}): number {
  return archive.expireAfterDays - (archive.noncurrentVersionDays ?? DEFAULT_NONCURRENT_VERSION_DAYS);
}

/** How the CDK stack deploys rollcall; the CLI ignores it. */
export const deploymentSchema = z
  .strictObject({
    /** Subscribed to the alarm topic (the address must confirm the subscription). */
    alarmEmail: z.email().optional(),
    logRetentionDays: z.literal(logRetentionDays).default(90),
    archive: z
      .strictObject({
        /** Objects move to S3 Glacier Instant Retrieval after this many days. */
        coldAfterDays: z.number().int().min(1).default(30),
        /** No version of a snapshot or report is kept longer than this many days after it was written. */
        expireAfterDays: z.number().int().min(2).default(400),
        /**
         * An overwritten or deleted version stays recoverable this many days (default 7), then
         * expires. The current version expires this much before `expireAfterDays`, so the two add
         * up to it.
         */
        noncurrentVersionDays: z.number().int().min(1).optional(),
        /** Write-once retention applied to every new object version. */
        objectLock: z
          .strictObject({
            mode: z.enum(['governance', 'compliance']),
            days: z.number().int().min(1),
          })
          .optional(),
      })
      .prefault({})
      .superRefine((archive, ctx) => {
        const currentDays = currentVersionDays(archive);
        if (archive.coldAfterDays >= archive.expireAfterDays) {
          ctx.addIssue({
            code: 'custom',
            path: ['coldAfterDays'],
            message: `must be less than expireAfterDays (${archive.expireAfterDays})`,
          });
        } else if (currentDays < 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['noncurrentVersionDays'],
            message: `must be less than expireAfterDays (${archive.expireAfterDays})`,
          });
        } else if (archive.coldAfterDays >= currentDays) {
          ctx.addIssue({
            code: 'custom',
            path: ['coldAfterDays'],
            message: `must be less than expireAfterDays minus noncurrentVersionDays (${currentDays}): the current version expires then`,
          });
        }
        if (archive.objectLock && archive.objectLock.days > archive.expireAfterDays) {
          ctx.addIssue({
            code: 'custom',
            path: ['objectLock', 'days'],
            message: `must not exceed expireAfterDays (${archive.expireAfterDays}): locked objects cannot expire`,
          });
        }
      }),
    auditors: z
      .strictObject({
        /** Also grant read access to the snapshots and the Athena tables over them (personal data). */
        includeSnapshots: z.boolean().default(false),
        /** Principals allowed to assume the auditor role; no role is created when empty. */
        trustedPrincipals: z
          .array(
            z
              .string()
              .regex(
                /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/,
                'must be an IAM ARN: arn:aws:iam::<account>:root, :role/<name> or :user/<name>',
              ),
          )
          .default([]),
      })
      .prefault({}),
  })
  .prefault({});
export type DeploymentConfig = z.infer<typeof deploymentSchema>;

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    store: z.string().regex(/^(file|s3):\/\/.+/, 'must be file://<directory> or s3://<bucket>[/<prefix>]'),
    sites: z.array(siteSchema).min(1, 'must list at least one site'),
    deployment: deploymentSchema,
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sites.forEach((site, index) => {
      if (seen.has(site.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sites', index, 'id'],
          message: `"${site.id}" is used by two sites`,
        });
      }
      seen.add(site.id);
    });
  });
export type RollcallConfig = z.infer<typeof configSchema>;
