import type { StepContext, StepOutcome } from '../../restore/port.ts';
import type { HttpResponse } from '../../shared/http/client.ts';
import type { CanonicalUser } from '../../shared/model.ts';
import type { PeriscopeV1Api, PeriscopeWrite } from './api.ts';
import { apiDisabled, failedRequest, unexpectedStatus } from './site-errors.ts';

/**
 * Sends one write to either Periscope API and reads its answer the way the vendor documents it
 * (S004): 200/201 done (or validated under test_mode), 409 already exists, 400 refused with a
 * message. Auth failures, a disabled API and exhausted retries make the site unusable: thrown.
 */
export async function periscopeWrite(
  api: PeriscopeV1Api,
  write: PeriscopeWrite,
  what: string,
  /** The key the created record has on the site: fixed (v1 names), or read from the answer (v2 ids). */
  liveKey?: string | ((body: unknown) => string | undefined),
): Promise<StepOutcome> {
  let response: HttpResponse;
  try {
    response = await api.write(write);
  } catch (error) {
    throw failedRequest(api, error);
  }
  const detail = messageOf(response);
  if (response.status === 200 || response.status === 201) {
    if (write.testMode) return { status: 'validated', ...(detail === undefined ? {} : { detail }) };
    const key = typeof liveKey === 'function' ? liveKey(response.body) : liveKey;
    return {
      status: 'done',
      ...(key === undefined ? {} : { liveKey: key }),
      ...(detail === undefined ? {} : { detail }),
    };
  }
  if (response.status === 409) return { status: 'exists', detail: detail ?? `${what}: it already exists` };
  if (response.status === 400 || response.status === 422) {
    return { status: 'rejected', detail: detail ?? `${what}: refused (HTTP ${response.status})` };
  }
  if (response.status === 404 && write.method === 'POST')
    throw apiDisabled(api, `${write.method} ${write.path}`);
  if (response.status === 404)
    return { status: 'rejected', detail: detail ?? `${what}: not found on the site` };
  throw unexpectedStatus(api, response.status, what);
}

function messageOf(response: HttpResponse): string | undefined {
  const body = response.body as { message?: unknown; error?: unknown } | undefined;
  const text = body?.message ?? body?.error;
  return typeof text === 'string' ? text : undefined;
}

/**
 * The live keys of a step's snapshot groups. A group the plan creates first has none in a dry run
 * (nothing was created): the call is validated without it, and `withMissingGroups` says so.
 */
export function liveGroupKeys(
  groups: readonly string[],
  context: StepContext,
): { readonly live: string[]; readonly missing: string[] } {
  const live: string[] = [];
  const missing: string[] = [];
  for (const key of groups) {
    const found = context.liveGroupKey(key);
    if (found === undefined) missing.push(key);
    else live.push(found);
  }
  return { live, missing };
}

export function withMissingGroups(outcome: StepOutcome, missing: readonly string[]): StepOutcome {
  if (missing.length === 0 || outcome.status === 'rejected') return outcome;
  const note = `sent without ${missing.join(', ')}, which ${missing.length > 1 ? 'do' : 'does'} not exist on the site yet`;
  return { ...outcome, detail: outcome.detail ? `${outcome.detail} (${note})` : note };
}

/** A membership step none of whose groups exists on the site: validated in a dry run, refused for real. */
export function noLiveGroups(missing: readonly string[], dryRun: boolean): StepOutcome {
  const names = missing.join(', ');
  return dryRun
    ? {
        status: 'validated',
        detail: `not sent in a dry run: ${names} does not exist until the plan creates it`,
      }
    : { status: 'rejected', detail: `none of ${names} exists on the site` };
}

/** What neither Periscope API can give back after a user is deleted. */
export const PERISCOPE_OWNERSHIP_LOSS =
  'ownership of dashboards and charts: Periscope sets it to none when a user is deleted';

/** Periscope deletes users; it never disables them, so there is nothing to enable. */
export const NO_DISABLED_USERS: StepOutcome = {
  status: 'rejected',
  detail: 'Periscope has no disabled users to enable',
};

/** Both names are required by the create call; a snapshot without them still re-invites the address. */
export function periscopeNames(user: CanonicalUser): { first_name: string; last_name: string } {
  return { first_name: user.firstName || '-', last_name: user.lastName || '-' };
}

/** The restore refuses to start without a sender when the capabilities ask for one. */
export function requireActor(context: StepContext): string {
  if (context.actorEmail === undefined)
    throw new Error('a restore through Periscope needs the invitation sender');
  return context.actorEmail;
}
