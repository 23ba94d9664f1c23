import { describeRuns } from '../audit/run-messages.ts';
import type { SiteConfig } from '../config/schema.ts';
import type { CredentialSources } from '../credentials/resolve-credentials.ts';
import { type ConnectDeps, connectSite, originOf } from '../export/connect-site.ts';
import { prepareSites } from '../export/prepare-sites.ts';
import { readLiveSite } from '../export/read-live-site.ts';
import type { Clock } from '../shared/clock.ts';
import { ConfigError, SiteError } from '../shared/errors.ts';
import type { CanonicalGroup, CanonicalUser } from '../shared/model.ts';
import { snapshotRunPrefix } from '../snapshot/layout.ts';
import { listRuns } from '../snapshot/list-runs.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { manifestKeyOf, readGroups, readUsers, verifySnapshot } from '../snapshot/read-snapshot.ts';
import { withLease } from '../store/lease.ts';
import type { ObjectStore } from '../store/port.ts';
import { applyPlan, type StepResult } from './apply-plan.ts';
import {
  type DeletedInSnapshots,
  deletedInEarlierRestores,
  deletedInLaterSnapshots,
} from './deleted-since.ts';
import { DEFAULT_MAX_USERS } from './max-users.ts';
import { buildRestorePlan, type RestorePlan } from './plan.ts';
import type { RestoreCapabilities } from './port.ts';
import { RestoreRecord, restoreLease, resultStatus } from './records.ts';

export { DEFAULT_MAX_USERS };

export interface RestoreRequest {
  readonly fromRunId: string;
  readonly users: readonly string[];
  readonly groups: readonly string[];
  /**
   * Everything present in this run's snapshot that a later snapshot shows deleted, that an earlier
   * restore with the same selection found deleted, or that is missing from the site now.
   */
  readonly deletedSinceRunId?: string;
  readonly memberships: boolean;
  /** Execute the plan; without it, a dry run. */
  readonly apply: boolean;
  readonly maxUsers?: number;
  /** The invitation sender, from a flag or the site's config; never guessed. */
  readonly actorEmail?: string;
}

export interface RestoreDeps extends ConnectDeps {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly credentialSources: CredentialSources;
}

export interface RestoreOutcome {
  readonly site: string;
  readonly provider: string;
  readonly fromRunId: string;
  readonly origin: string;
  readonly mode: 'dry-run' | 'apply';
  /** How the dry run was checked: by the provider's server, or locally against the live state. */
  readonly validation: 'server' | 'local';
  readonly capabilities: RestoreCapabilities;
  readonly plan: RestorePlan;
  readonly results: readonly StepResult[];
  /** complete: every step done (or validated); partial: some were refused or not reached. */
  readonly status: 'complete' | 'partial';
  /** Where plan.json and result.json were written (apply only). */
  readonly record?: string;
}

/**
 * Plans a restore of one site from one snapshot against the live site, and validates it (dry run)
 * or applies it. Refusals are ConfigErrors (exit 2): an unknown run, a snapshot of another site,
 * a selection that names nothing, too many users, a missing invitation sender. A site that cannot
 * be read or written is a SiteError (exit 1).
 */
export async function restoreSite(
  site: SiteConfig,
  request: RestoreRequest,
  deps: RestoreDeps,
): Promise<RestoreOutcome> {
  // One applied restore of a site at a time, from its plan to its last write and record.
  if (!request.apply) return planAndRestore(site, request, deps);
  return withLease(restoreLease(deps, site.id), () => planAndRestore(site, request, deps));
}

async function planAndRestore(
  site: SiteConfig,
  request: RestoreRequest,
  deps: RestoreDeps,
): Promise<RestoreOutcome> {
  const snapshot = await loadRestoreSnapshot(deps.store, site.id, request.fromRunId);
  const reference =
    request.deletedSinceRunId === undefined
      ? undefined
      : request.deletedSinceRunId === request.fromRunId
        ? snapshot
        : await loadRestoreSnapshot(deps.store, site.id, request.deletedSinceRunId);

  const [prepared] = await prepareSites([site], deps.credentialSources);
  if (!prepared) throw new Error(`site ${site.id} was not prepared`);
  if ('failure' in prepared) throw prepared.failure;
  const origin = originOf(site, prepared.adapter, prepared.credentials);
  if (snapshot.manifest.origin !== undefined && snapshot.manifest.origin !== origin) {
    throw new ConfigError(
      `site ${site.id}: the snapshot of run ${request.fromRunId} was taken from ${snapshot.manifest.origin}, but the credentials now point at ${origin}. rollcall restores a snapshot only into the site it came from.`,
    );
  }
  const connector = connectSite(site, prepared.adapter, prepared.credentials, deps);
  const writer = connector.restoreWriter?.();
  if (!writer)
    throw new ConfigError(
      `site ${site.id}: rollcall cannot restore into ${prepared.adapter.displayName} yet.`,
    );

  const deleted =
    reference === undefined || request.deletedSinceRunId === undefined
      ? undefined
      : union(
          await deletedInLaterSnapshots(
            deps.store,
            site.id,
            request.deletedSinceRunId,
            reference,
            writer.capabilities.enablesUsers,
          ),
          await deletedInEarlierRestores(deps.store, site.id, request.fromRunId, request.deletedSinceRunId),
        );

  // Read whole: a plan matches snapshot users against live ones by e-mail and by id.
  const live = await readLiveSite(connector);
  const unfinished = Object.entries(live.listings).filter(([, listing]) => !listing.complete);
  if (unfinished.length > 0) {
    throw new SiteError(
      'protocol',
      `site ${site.id}: the live listing did not finish (${unfinished.map(([name, listing]) => `${name}: ${listing.reason ?? 'incomplete'}`).join('; ')}); a plan against part of the site could re-create users who exist. Try again.`,
    );
  }

  const plan = buildRestorePlan({
    snapshot,
    live,
    selection: {
      users: request.users,
      groups: request.groups,
      memberships: request.memberships,
      ...(reference === undefined || deleted === undefined
        ? {}
        : {
            deletedSince: {
              users: new Set(reference.users.map((user) => user.key)),
              groups: new Set(reference.groups.map((group) => group.key)),
              deleted,
            },
          }),
    },
    capabilities: writer.capabilities,
  });
  if (plan.unmatched.length > 0) {
    throw new ConfigError(
      `site ${site.id}: the snapshot of run ${request.fromRunId} has no ${plan.unmatched.join(', no ')}. Users are matched by e-mail or id, groups by name or id.`,
    );
  }
  const creates = plan.steps.some(
    (planned) => planned.step.kind === 'create-user' || planned.step.kind === 'create-group',
  );
  if (writer.capabilities.requiresActorEmail && creates && request.actorEmail === undefined) {
    throw new ConfigError(
      `site ${site.id}: ${prepared.adapter.displayName} names who re-invites a user or re-creates a group; pass --invited-by EMAIL or set sites[].restore.invitedByEmail in the config.`,
    );
  }
  const maxUsers = request.maxUsers ?? DEFAULT_MAX_USERS;
  if (request.apply && plan.counts.usersToCreate > maxUsers) {
    throw new ConfigError(
      `site ${site.id}: the plan would create ${plan.counts.usersToCreate} users, more than ${maxUsers}. Check the plan (run without --apply), then pass --max ${plan.counts.usersToCreate} if it is right.`,
    );
  }

  const startedAt = deps.clock.now();
  // An empty plan changes nothing, so it leaves no record either.
  const record =
    request.apply && plan.steps.length > 0
      ? new RestoreRecord(
          deps.store,
          {
            site: site.id,
            provider: site.provider,
            fromRunId: request.fromRunId,
            origin,
            startedAt: startedAt.toISOString(),
            ...(request.actorEmail === undefined ? {} : { actorEmail: request.actorEmail }),
            selection: {
              users: request.users,
              groups: request.groups,
              deletedSince: request.deletedSinceRunId ?? null,
              memberships: request.memberships,
            },
          },
          startedAt,
        )
      : undefined;
  await record?.writePlan(plan);
  const results = await applyPlan(plan, writer, live, snapshot.groups, {
    dryRun: !request.apply,
    ...(request.actorEmail === undefined ? {} : { actorEmail: request.actorEmail }),
    ...(record === undefined ? {} : { afterStep: (done) => record.writeResult(done, plan.steps.length) }),
  });
  await record?.writeResult(results, plan.steps.length, deps.clock.now());
  return {
    site: site.id,
    provider: site.provider,
    fromRunId: request.fromRunId,
    origin,
    mode: request.apply ? 'apply' : 'dry-run',
    validation: writer.capabilities.serverDryRun ? 'server' : 'local',
    capabilities: writer.capabilities,
    plan,
    results,
    status: resultStatus(results),
    ...(record === undefined ? {} : { record: record.location }),
  };
}

function union(a: DeletedInSnapshots, b: DeletedInSnapshots): DeletedInSnapshots {
  return { users: new Set([...a.users, ...b.users]), groups: new Set([...a.groups, ...b.groups]) };
}

interface RestoreSnapshot {
  readonly manifest: Manifest;
  readonly users: CanonicalUser[];
  readonly groups: CanonicalGroup[];
}

/** A complete snapshot whose files still match its manifest, read in full (raw records included). */
async function loadRestoreSnapshot(
  store: ObjectStore,
  siteId: string,
  runId: string,
): Promise<RestoreSnapshot> {
  const manifestKey = manifestKeyOf(siteId, runId);
  const runs = await listRuns(store, siteId);
  if (!runs.some((run) => run.runId === runId)) {
    const described = await describeRuns(store, runs);
    throw new ConfigError(
      `site ${siteId} has no snapshot of run ${runId}${described === '' ? ' (it has none)' : `; its runs are ${described}`}.`,
    );
  }
  const verified = await verifySnapshot(store, manifestKey);
  if (verified.manifest.status !== 'complete') {
    throw new ConfigError(
      `site ${siteId}: the snapshot of run ${runId} is incomplete (${verified.manifest.reason ?? 'no reason recorded'}); restore from a complete run.`,
    );
  }
  if (!verified.ok) {
    throw new SiteError(
      'store',
      `site ${siteId}: the snapshot of run ${runId} does not match its manifest (${verified.problems.join('; ')}); it will not be restored from.`,
    );
  }
  const prefix = snapshotRunPrefix(siteId, runId);
  const users: CanonicalUser[] = [];
  for await (const user of readUsers(store, prefix)) users.push(user);
  const groups: CanonicalGroup[] = [];
  for await (const group of readGroups(store, prefix)) groups.push(group);
  return { manifest: verified.manifest, users, groups };
}
