import { z } from 'zod';

/** Provider ids rollcall can export; the registry maps each to its adapter. */
export const providerIds = ['periscope-v1', 'periscope-v2', 'lumapps', 'trivore'] as const;

export const auditRuleIds = [
  'mfa-missing',
  'inactive',
  'never-logged-in',
  'password-stale',
  'privileged-grant',
] as const;

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
  privilegedGroups: z.array(z.string().min(1)).default(['Administrators']),
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
  timezone: z.string().min(1).default('UTC'),
  http: httpSettingsSchema.prefault({}),
  audit: auditSettingsSchema.prefault({}),
});
export type SiteConfig = z.infer<typeof siteSchema>;

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    store: z.string().regex(/^(file|s3):\/\/.+/, 'must be file://<directory> or s3://<bucket>[/<prefix>]'),
    sites: z.array(siteSchema).min(1, 'must list at least one site'),
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
