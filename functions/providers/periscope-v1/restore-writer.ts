import type { RestoreCapabilities, RestoreWriter, StepContext, StepOutcome } from '../../restore/port.ts';
import type { CanonicalUser } from '../../shared/model.ts';
import { groupsPath, type PeriscopeV1Api, usersPath } from './api.ts';
import { liveGroupKeys, noLiveGroups, periscopeWrite, withMissingGroups } from './write-outcome.ts';

export const periscopeV1RestoreCapabilities: RestoreCapabilities = {
  createsGroups: true,
  createsUsers: true,
  enablesUsers: false,
  addsMemberships: true,
  serverDryRun: true,
  requiresActorEmail: true,
  cannotRestore: [
    'ownership of dashboards and charts: Periscope sets it to none when a user is deleted',
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
                ...names(step.user),
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
          return { status: 'rejected', detail: 'Periscope has no disabled users to enable' };
      }
    },
  };
}

function names(user: CanonicalUser): { first_name: string; last_name: string } {
  // Both are required by the create call; a snapshot without them still re-invites the address.
  return { first_name: user.firstName || '-', last_name: user.lastName || '-' };
}

/** The restore refuses to start without a sender when the capabilities ask for one. */
export function requireActor(context: StepContext): string {
  if (context.actorEmail === undefined)
    throw new Error('a restore through Periscope needs the invitation sender');
  return context.actorEmail;
}
