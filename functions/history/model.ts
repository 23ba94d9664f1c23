import type { FieldValue } from '../diff/model.ts';
import type { CanonicalGroup, CanonicalUser } from '../shared/model.ts';

/** What `rollcall history` looks for: a user (key, e-mail or provider id) or a group (name or key). */
export type HistorySubject = { readonly user: string } | { readonly group: string };

/** How a run's snapshot could be used: an incomplete or unreadable one never proves an absence. */
export type RunStatus = 'complete' | 'incomplete' | 'unreadable';

/** A user or group of another record, named for people where its name could be read. */
export interface MemberRef {
  readonly key: string;
  readonly email?: string;
}

/** One difference between two runs of the subject, in a fixed field order. */
export type HistoryChange =
  | {
      readonly field: string;
      readonly before: FieldValue | number;
      readonly after: FieldValue | number;
    }
  /** A user's groups, as group keys (names in `SubjectHistory.groupNames`). */
  | { readonly field: 'groups'; readonly added: readonly string[]; readonly removed: readonly string[] }
  /** A group's members, from the users files of two complete runs. */
  | { readonly field: 'members'; readonly joined: readonly MemberRef[]; readonly left: readonly MemberRef[] };

export type UserRecordFields = Omit<CanonicalUser, 'raw'>;
export type GroupRecordFields = Omit<CanonicalGroup, 'raw'>;

/**
 * One line of the timeline. `incomplete` marks an event read from an incomplete snapshot: its
 * record is what that snapshot holds, which may be partial (e.g. a member count from half the users).
 */
export type HistoryEvent<R> =
  | {
      readonly runId: string;
      readonly kind: 'first-seen';
      readonly incomplete?: true;
      readonly record: R;
    }
  | {
      readonly runId: string;
      readonly kind: 'changed';
      readonly incomplete?: true;
      /** The run the changes are against: the previous complete run that has the subject, if any. */
      readonly comparedWith: string;
      readonly changes: readonly HistoryChange[];
    }
  | {
      readonly runId: string;
      readonly kind: 'gone';
      /** The newest run, complete or not, that has the subject. */
      readonly lastSeen: string;
    }
  | {
      readonly runId: string;
      readonly kind: 'reappeared';
      readonly incomplete?: true;
      readonly goneSince: string;
      readonly lastSeen: string;
      readonly record: R;
      /** Against the record last seen before it was gone. */
      readonly changes: readonly HistoryChange[];
    }
  | {
      /** An incomplete run with nothing else to say: the subject is in it unchanged, or not in it (never "removed"). */
      readonly runId: string;
      readonly kind: 'incomplete';
      readonly present: boolean;
      readonly reason: string;
    }
  | {
      /** A run whose manifest or file could not be read: it proves nothing either way. */
      readonly runId: string;
      readonly kind: 'unreadable';
      readonly reason: string;
    };

/** The subject's newest record, from the last run that has it. */
export interface LastKnown<R> {
  readonly runId: string;
  readonly incomplete?: true;
  /** Canonical fields and the provider's record (`raw`) of that run. */
  readonly record: R & { readonly raw?: unknown };
  /** A group's members in that run (complete runs only, and only when members were read). */
  readonly members?: readonly MemberRef[];
}

/** What was read to answer, for people who want to know what the answer rests on. */
export interface HistoryReads {
  readonly manifests: number;
  readonly usersFiles: number;
  readonly groupsFiles: number;
  /** Groups files read only to put names on the group keys of a user's events. */
  readonly groupsFilesForNames: number;
}

export interface SubjectHistory<R> {
  readonly site: string;
  readonly subject: HistorySubject;
  /** The keys the subject had, oldest first (more than one when a record was re-created under a new key). */
  readonly matchedKeys: readonly string[];
  /** Every run of the site, complete or not. */
  readonly snapshotsRead: number;
  readonly incompleteRuns: readonly { readonly runId: string; readonly reason: string }[];
  readonly unreadableRuns: readonly { readonly runId: string; readonly reason: string }[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** False once a complete run after `lastSeen` lacks the subject. */
  readonly present: boolean;
  /** The complete run since which the subject is gone, when it is. */
  readonly goneSince?: string;
  readonly events: readonly HistoryEvent<R>[];
  readonly lastKnown: LastKnown<R>;
  /** Names of the group keys the events and the last known record mention (user histories). */
  readonly groupNames: Readonly<Record<string, string>>;
  readonly read: HistoryReads;
  /** Things a person should know about the answer (e.g. two records matched in one run). */
  readonly notes: readonly string[];
}

export type UserHistory = SubjectHistory<UserRecordFields> & { readonly subject: { readonly user: string } };
export type GroupHistory = SubjectHistory<GroupRecordFields> & {
  readonly subject: { readonly group: string };
};

export type HistoryResult =
  | { readonly site: string; readonly status: 'found'; readonly history: UserHistory | GroupHistory }
  | {
      readonly site: string;
      readonly status: 'missing';
      readonly subject: HistorySubject;
      readonly snapshotsRead: number;
      readonly incompleteRuns: readonly { readonly runId: string; readonly reason: string }[];
      readonly reason: string;
    }
  | {
      readonly site: string;
      readonly status: 'failed';
      readonly reason: string;
      readonly error?: unknown;
    };
