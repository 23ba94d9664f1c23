import type { AuditSettings } from '../config/schema.ts';
import type { Capabilities } from '../shared/model.ts';
import type { AuditInput } from './model.ts';
import { type PrivilegedGroups, privilegedGroups } from './privileged.ts';

/** What every rule needs, worked out once per audit rather than once per user. */
export interface AuditContext {
  readonly providerName: string;
  readonly capabilities: Capabilities;
  readonly settings: AuditSettings;
  readonly scheduledAtMs: number;
  readonly privileged: PrivilegedGroups;
  readonly firstSeenAt: ReadonlyMap<string, string>;
  readonly previousGroupsOfUser?: ReadonlyMap<string, readonly string[]>;
}

export function auditContext(input: AuditInput): AuditContext {
  const scheduledAtMs = input.scheduledAt.getTime();
  // Every age would be NaN and every rule would silently pass: refuse instead.
  if (Number.isNaN(scheduledAtMs)) throw new RangeError('the audit needs a valid scheduledAt time');
  return {
    providerName: input.providerName,
    capabilities: input.capabilities,
    settings: input.settings,
    scheduledAtMs,
    privileged: privilegedGroups(input.settings.privilegedGroups, input.groupNames),
    firstSeenAt: input.firstSeenAt,
    ...(input.previousGroupsOfUser === undefined ? {} : { previousGroupsOfUser: input.previousGroupsOfUser }),
  };
}

/** "LumApps does not report lastLoginAt": names the provider and the canonical field. */
export function notReported(context: AuditContext, field: string): string {
  return `${context.providerName} does not report ${field}`;
}
