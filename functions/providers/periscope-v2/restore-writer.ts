import type { RestoreCapabilities, RestoreWriter, StepContext, StepOutcome } from '../../restore/port.ts';
import type { CanonicalGroup } from '../../shared/model.ts';
import type { PeriscopeV1Api } from '../periscope-v1/api.ts';
import {
  liveGroupKeys,
  NO_DISABLED_USERS,
  noLiveGroups,
  PERISCOPE_OWNERSHIP_LOSS,
  periscopeNames,
  periscopeWrite,
  requireActor,
  withMissingGroups,
} from '../periscope-v1/write-outcome.ts';
import { rolesPath, usersPath } from './api.ts';

export const periscopeV2RestoreCapabilities: RestoreCapabilities = {
  createsGroups: true,
  createsUsers: true,
  enablesUsers: false,
  addsMemberships: true,
  serverDryRun: true,
  requiresActorEmail: true,
  cannotRestore: [
    'role and user ids: a re-created role or user gets a new id, and memberships are remapped to it',
    PERISCOPE_OWNERSHIP_LOSS,
    'dashboard permissions of a role that point at dashboards deleted since the snapshot',
  ],
};

/**
 * Restores through the v2 Users and Roles API: roles re-created with their privileges and
 * dashboard permissions (new ids), users re-invited into their roles, lost roles added to
 * existing users with the user's live roles kept.
 */
export function periscopeV2RestoreWriter(api: PeriscopeV1Api): RestoreWriter {
  return {
    capabilities: periscopeV2RestoreCapabilities,
    async perform(step, context): Promise<StepOutcome> {
      switch (step.kind) {
        case 'create-group':
          return periscopeWrite(
            api,
            {
              method: 'POST',
              path: rolesPath,
              json: roleBody(step.group, context),
              testMode: context.dryRun,
            },
            `role "${step.group.name}"`,
            idOf,
          );
        case 'create-user': {
          const { live: roles, missing } = liveGroupKeys(step.groups, context);
          const outcome = await periscopeWrite(
            api,
            {
              method: 'POST',
              path: usersPath,
              json: {
                ...periscopeNames(step.user),
                email: step.user.email,
                invited_by_email: requireActor(context),
                roles,
              },
              testMode: context.dryRun,
            },
            `user ${step.user.email}`,
            idOf,
          );
          return withMissingGroups(outcome, missing);
        }
        case 'add-memberships': {
          const { live: roles, missing } = liveGroupKeys(step.groups, context);
          if (roles.length === 0) return noLiveGroups(missing, context.dryRun);
          const outcome = await periscopeWrite(
            api,
            {
              method: 'PUT',
              path: `${usersPath}/${encodeURIComponent(step.liveKey)}`,
              json: { roles: [...new Set([...step.liveGroups, ...roles])] },
              testMode: context.dryRun,
            },
            `user ${step.user.email}`,
          );
          return withMissingGroups(outcome, missing);
        }
        case 'enable-user':
          return NO_DISABLED_USERS;
      }
    },
  };
}

/** The role as the snapshot kept it (`raw.role`), minus what the server assigns. */
function roleBody(group: CanonicalGroup, context: StepContext): Record<string, unknown> {
  const role = ((group.raw as { role?: Record<string, unknown> } | undefined)?.role ?? {}) as Record<
    string,
    unknown
  >;
  return {
    name: group.name,
    ...(group.description === undefined ? {} : { description: group.description }),
    created_by_email: requireActor(context),
    ...(Array.isArray(role.privileges) ? { privileges: role.privileges } : {}),
    ...(Array.isArray(role.permissions) ? { permissions: role.permissions } : {}),
  };
}

/** The id the server gave a created role or user (the answer is the record). */
function idOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
