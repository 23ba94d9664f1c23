import type { CanonicalGroup, CanonicalUser } from '../shared/model.ts';

/**
 * What a provider can put back. A restore only adds: no provider writer ever deletes, renames or
 * overwrites something that exists.
 */
export interface RestoreCapabilities {
  /** Deleted groups can be created again (they get new ids where the provider assigns ids). */
  readonly createsGroups: boolean;
  /** Deleted users can be created again (re-invited). */
  readonly createsUsers: boolean;
  /** A disabled user can be enabled again (LumApps has no delete: "deleted" users are disabled). */
  readonly enablesUsers: boolean;
  /** Lost memberships of existing users can be added back. */
  readonly addsMemberships: boolean;
  /**
   * Every write can be sent in a validate-only mode the server checks without changing anything
   * (Periscope's `test_mode=true`). Without it, a dry run checks the plan locally only.
   */
  readonly serverDryRun: boolean;
  /**
   * Creates name a person as their author (Periscope's `invited_by_email`, `created_by_email`):
   * the restore needs it from a flag or the config, and never guesses it.
   */
  readonly requiresActorEmail?: boolean;
  /** What this provider cannot restore, beyond what no provider can (passwords, MFA, ids…). */
  readonly cannotRestore: readonly string[];
}

/** A group as the plan refers to it: its key in the snapshot, and the record there. */
export type RestoreStep =
  /** Create `group` (from the snapshot) again. */
  | { readonly kind: 'create-group'; readonly group: CanonicalGroup }
  /** Create `user` (from the snapshot) again, directly in `groups` (snapshot group keys). */
  | { readonly kind: 'create-user'; readonly user: CanonicalUser; readonly groups: readonly string[] }
  /** Enable the live user `liveKey` again (the snapshot had it active). */
  | { readonly kind: 'enable-user'; readonly user: CanonicalUser; readonly liveKey: string }
  /**
   * Add the live user `liveKey` to `groups` (snapshot group keys); `liveGroups` is the user's
   * live group keys, for providers whose update replaces the whole list.
   */
  | {
      readonly kind: 'add-memberships';
      readonly user: CanonicalUser;
      readonly liveKey: string;
      readonly liveGroups: readonly string[];
      readonly groups: readonly string[];
    };

export interface StepContext {
  /** Validate only: send the provider's validate-only form, or nothing where it has none. */
  readonly dryRun: boolean;
  /**
   * Snapshot group key → live group key, for groups that exist on the site now (found, or
   * created earlier in this restore). A group key missing here does not exist on the site.
   */
  readonly liveGroupKey: (snapshotKey: string) => string | undefined;
  /** Who the provider names as the sender of an invitation (Periscope `invited_by_email`). */
  readonly actorEmail?: string;
}

export type StepOutcome =
  /** Done on the site; `liveKey` is the key the created user or group has there. */
  | { readonly status: 'done'; readonly liveKey?: string; readonly detail?: string }
  /** The server validated it without applying it (dry run with server-side validation). */
  | { readonly status: 'validated'; readonly detail?: string }
  /** It already exists on the site (a create answered "duplicate"): nothing was changed. */
  | { readonly status: 'exists'; readonly liveKey?: string; readonly detail?: string }
  /** The site refused it; `detail` says why, in the provider's words. */
  | { readonly status: 'rejected'; readonly detail: string };

/**
 * One provider's writes for a restore, over the same HTTP client (retries, pacing, timeouts,
 * secret scrubbing) the export uses. Never sends a DELETE.
 */
export interface RestoreWriter {
  readonly capabilities: RestoreCapabilities;
  /** Performs one step (or validates it when `context.dryRun`); throws only when the site is unusable. */
  perform(step: RestoreStep, context: StepContext): Promise<StepOutcome>;
}
