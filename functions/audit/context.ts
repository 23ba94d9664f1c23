import type { AuditSettings } from '../config/schema.ts';
import type { Capabilities } from '../shared/model.ts';
import type { AuditSetup } from './model.ts';
import type { Privilege } from './privileged.ts';

/** What every rule needs, worked out once per audit rather than once per user. */
export interface AuditContext {
  readonly providerName: string;
  readonly capabilities: Capabilities;
  readonly settings: AuditSettings;
  readonly scheduledAtMs: number;
  readonly privileged: Privilege;
  /** Whether a previous complete snapshot exists (each user's own groups there come with the user). */
  readonly hasPrevious: boolean;
}

export function auditContext(input: AuditSetup): AuditContext {
  const scheduledAtMs = input.scheduledAt.getTime();
  // Every age would be NaN and every rule would silently pass: refuse instead.
  if (Number.isNaN(scheduledAtMs)) throw new RangeError('the audit needs a valid scheduledAt time');
  return {
    providerName: input.providerName,
    capabilities: input.capabilities,
    settings: input.settings,
    scheduledAtMs,
    privileged: input.privilege,
    hasPrevious: input.hasPrevious,
  };
}

/** "LumApps does not report lastLoginAt": names the provider and the canonical field. */
export function notReported(context: AuditContext, field: string): string {
  return `${context.providerName} does not report ${field}`;
}
