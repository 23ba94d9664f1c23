import { evaluateAudit } from '../../functions/audit/evaluate-audit.ts';
import type { AuditedUser, AuditInput, AuditResult } from '../../functions/audit/model.ts';
import { type AuditSettings, auditSettingsSchema } from '../../functions/config/schema.ts';
import type { Capabilities } from '../../functions/shared/model.ts';

export const DAY = 86_400_000;
/** The scheduled time every audit fixture is judged against. */
export const scheduledAt = new Date('2026-11-22T02:00:00.000Z');

/** An ISO time `days` days (plus `extraMs`) before the snapshot. */
export const ago = (days: number, extraMs = 0) =>
  new Date(scheduledAt.getTime() - days * DAY - extraMs).toISOString();

export const everyCapability: Capabilities = {
  lastLogin: true,
  mfa: true,
  passwordUpdated: true,
  createdAt: true,
  status: true,
};

/** A user every rule passes: recent login and password, two-factor on, created long ago. */
export function healthyUser(key: string, overrides: Partial<AuditedUser> = {}): AuditedUser {
  return {
    key,
    email: `${key}@example.com`,
    status: 'active',
    groups: [],
    lastLoginAt: ago(1),
    passwordUpdatedAt: ago(1),
    mfaEnabled: true,
    createdAt: ago(400),
    ...overrides,
  };
}

/** An audit of `users` with the default thresholds, every capability, and a Periscope v1 name. */
export function auditUsers(
  users: readonly AuditedUser[],
  overrides: Omit<Partial<AuditInput>, 'settings'> & { settings?: Partial<AuditSettings> } = {},
): AuditResult {
  const { settings, ...rest } = overrides;
  return evaluateAudit({
    users,
    groupNames: new Map(),
    capabilities: everyCapability,
    providerName: 'Periscope Data (v1)',
    settings: auditSettingsSchema.parse(settings ?? {}),
    scheduledAt,
    firstSeenAt: new Map(),
    ...rest,
  });
}
