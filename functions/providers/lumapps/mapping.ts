import { type CanonicalGroup, type CanonicalUser, compareKeys, type UserStatus } from '../../shared/model.ts';
import type { FeedRecord, SubscriptionRecord, UserRecord } from './schemas.ts';

/**
 * A subscription is a membership when it is `LIVE` (the schema's default, so also when the status
 * is left out). Anything else (`DELETED`…) is a membership that was withdrawn: counting it would
 * make a restore re-add it and an audit flag a grant that is gone. It stays in `raw`.
 */
export function isMembership(subscription: SubscriptionRecord): boolean {
  return subscription.status === undefined || subscription.status === 'LIVE';
}

/**
 * `disabled` is the only inactive state LumApps has. Hidden users (`isHidden`) are only hidden
 * from search and the directory: they can sign in, so they are active (the flag stays in `raw`).
 * A status LumApps does not document is `unknown`, never guessed.
 */
export function userStatus(status: string | undefined): UserStatus {
  if (status === undefined || status === 'enabled') return 'active';
  return status === 'disabled' ? 'disabled' : 'unknown';
}

/**
 * The user's Microsoft tokens (`msToken`, `msRefreshToken`) are in the User schema; should the
 * API ever fill them in, they must not reach a snapshot that auditors read.
 */
const secretFields = ['msToken', 'msRefreshToken'] as const;

export function withoutSecrets(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const record = raw as Record<string, unknown>;
  const present = secretFields.filter((field) => typeof record[field] === 'string' && record[field] !== '');
  if (present.length === 0) return raw;
  const copy = { ...record };
  for (const field of present) copy[field] = '[redacted]';
  return copy;
}

/**
 * A validated user in the canonical model, keyed by its id (stable; the e-mail can change). LumApps
 * has no last login, password date or MFA (those live in the identity provider): the fields stay
 * absent so audits say UNAVAILABLE. `createdAt` is already UTC with Z (see schemas.ts).
 */
export function toCanonicalUser(record: UserRecord, raw: unknown): CanonicalUser {
  const groups = (record.subscriptions ?? []).filter(isMembership).map((subscription) => subscription.feed);
  return {
    key: record.id,
    id: record.id,
    ...(record.email == null ? {} : { email: record.email }),
    ...(record.firstName == null ? {} : { firstName: record.firstName }),
    ...(record.lastName == null ? {} : { lastName: record.lastName }),
    status: userStatus(record.status),
    groups: [...new Set(groups)].sort(compareKeys),
    createdAt: record.createdAt ?? null,
    admin: isAdministrator(record),
    raw: withoutSecrets(raw),
  };
}

/**
 * Feeds carry no rights in LumApps; administration is on the user record: super administrator of
 * the platform, of one or more sites (instances), or LumApps' own staff access.
 */
export function isAdministrator(record: UserRecord): boolean {
  return (
    record.isSuperAdmin === true || record.isGod === true || (record.instancesSuperAdmin ?? []).length > 0
  );
}

/** A feed as a group, keyed by its id: memberships name feeds by id, and a name can change. */
export function toCanonicalGroup(record: FeedRecord, raw: unknown, memberCount: number): CanonicalGroup {
  return { key: record.id, id: record.id, name: record.name, memberCount, raw };
}

/** What a person should know about the records even when the listing is complete. */
export class RecordNotes {
  private readonly unknownStatuses = new Map<string, number>();
  private readonly otherSubscriptions = new Map<string, number>();

  observe(record: UserRecord): void {
    if (userStatus(record.status) === 'unknown') bump(this.unknownStatuses, String(record.status));
    for (const subscription of record.subscriptions ?? []) {
      const status = subscription.status;
      // DELETED is the expected opposite of LIVE; anything else is worth a line in the manifest.
      if (status !== undefined && status !== 'LIVE' && status !== 'DELETED')
        bump(this.otherSubscriptions, status);
    }
  }

  warnings(): string[] {
    const warnings: string[] = [];
    if (this.unknownStatuses.size > 0) {
      warnings.push(
        `users with a status LumApps does not document were kept with status "unknown": ${describe(this.unknownStatuses)}`,
      );
    }
    if (this.otherSubscriptions.size > 0) {
      warnings.push(
        `feed subscriptions with a status other than LIVE or DELETED were not counted as memberships: ${describe(this.otherSubscriptions)}`,
      );
    }
    return warnings;
  }
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function describe(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .slice(0, 5)
    .map(([value, n]) => `${JSON.stringify(value.slice(0, 40))} × ${n}`)
    .join(', ');
}
