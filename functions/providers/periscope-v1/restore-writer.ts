import type { RestoreCapabilities, RestoreWriter, StepOutcome } from '../../restore/port.ts';
import { groupsPath, type PeriscopeV1Api, usersPath } from './api.ts';
import {
  liveGroupKeys,
  NO_DISABLED_USERS,
  noLiveGroups,
  PERISCOPE_OWNERSHIP_LOSS,
  periscopeNames,
  periscopeWrite,
  requireActor,
  withMissingGroups,
} from './write-outcome.ts';

export const periscopeV1RestoreCapabilities: RestoreCapabilities = {
  createsGroups: true,
  createsUsers: true,
  enablesUsers: false,
  addsMemberships: true,
  serverDryRun: true,
  requiresActorEmail: true,
  cannotRestore: [
    PERISCOPE_OWNERSHIP_LOSS,
    'the dashboards a deleted group could see: the API cannot grant them',
  ],
};

/**
 * Restores through the v1 User and Group API: groups by name (the only group identity v1 has),
 * users re-invited with their groups, lost groups added to existing users. A v1 user update
 * replaces the user's group list, so it always sends the live list plus the lost groups.
 */
export function periscopeV1RestoreWriter(api: PeriscopeV1Api): RestoreWriter {
  return {
    capabilities: periscopeV1RestoreCapabilities,
    async perform(step, context): Promise<StepOutcome> {
      switch (step.kind) {
        case 'create-group':
          return await periscopeWrite(
            api,
            {
              method: 'POST',
              path: groupsPath,
              json: {
                name: step.group.name,
                access: step.group.access ?? 'View',
                created_by_email: requireActor(context),
              },
              testMode: context.dryRun,
            },
            `group "${step.group.name}"`,
            step.group.name,
          );
        case 'create-user': {
          // v1 groups are referenced by name, and a v1 group's key is its name.
          const { live, missing } = liveGroupKeys(step.groups, context);
          const outcome = await periscopeWrite(
            api,
            {
              method: 'POST',
              path: usersPath,
              json: {
                ...periscopeNames(step.user),
                email: step.user.email,
                invited_by_email: requireActor(context),
                groups: live,
              },
              testMode: context.dryRun,
            },
            `user ${step.user.email}`,
            step.user.key,
          );
          return withMissingGroups(outcome, missing);
        }
        case 'add-memberships': {
          const { live, missing } = liveGroupKeys(step.groups, context);
          if (live.length === 0) return noLiveGroups(missing, context.dryRun);
          const outcome = await periscopeWrite(
            api,
            {
              method: 'PUT',
              path: usersPath,
              email: step.user.email ?? step.liveKey,
              // A v1 update replaces the user's groups: send the live ones with the lost ones.
              json: { groups: [...new Set([...step.liveGroups, ...live])] },
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
