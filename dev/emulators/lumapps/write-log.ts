import type { LoggedRequest } from '../shared/fault-server.ts';
import { parseJsonObject } from '../shared/http.ts';

/**
 * What the request log keeps of a write's body: enough for a test to see what was asked, never a
 * secret (`password`, `rePassword` and Microsoft tokens appear among `fields` by name only).
 */
export interface LumAppsWriteSummary {
  /** `user/save`, `feed/save`, `feed/subscribers/save` or `feed/delete`. */
  readonly route: string;
  /** For the saves: whether the body names a record (`id`/`uid`) to update. */
  readonly action?: 'create' | 'update';
  /** The record the body or the `uid` parameter names. */
  readonly id?: string;
  readonly email?: string;
  /** Feed name (feed/save). */
  readonly name?: string;
  /** The body's top-level keys, sorted: names only, values never. */
  readonly fields?: readonly string[];
  /** user/save: the `status` and `isHidden` asked for, when sent. */
  readonly status?: unknown;
  readonly isHidden?: unknown;
  /** feed/subscribers/save. */
  readonly feed?: string;
  readonly addedUsers?: readonly string[];
  readonly removedUsers?: readonly string[];
  /** The body was not a JSON object. */
  readonly invalidBody?: true;
}

/** A logged write request, with its body summary. */
export type LumAppsWriteRequest = LoggedRequest & { readonly write: LumAppsWriteSummary };

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;

export function summariseWrite(route: string, body: string, query: URLSearchParams): LumAppsWriteSummary {
  if (route === 'feed/delete') {
    const uid = query.get('uid');
    return { route, ...(uid === null ? {} : { id: uid }) };
  }
  const parsed = parseJsonObject(body);
  if (parsed === undefined) return { route, invalidBody: true };
  const id = text(parsed.id) || text(parsed.uid);
  const fields = Object.keys(parsed).sort();
  if (route === 'feed/subscribers/save') {
    const feed = text(parsed.feed);
    const added = strings(parsed.addedUsers);
    const removed = strings(parsed.removedUsers);
    return {
      route,
      fields,
      ...(feed === undefined ? {} : { feed }),
      ...(added === undefined ? {} : { addedUsers: added }),
      ...(removed === undefined ? {} : { removedUsers: removed }),
    };
  }
  const summary: LumAppsWriteSummary = {
    route,
    action: id ? 'update' : 'create',
    ...(id ? { id } : {}),
    fields,
  };
  if (route === 'feed/save') {
    const name = text(parsed.name);
    return name === undefined ? summary : { ...summary, name };
  }
  const email = text(parsed.email);
  return {
    ...summary,
    ...(email === undefined ? {} : { email }),
    ...('status' in parsed ? { status: parsed.status } : {}),
    ...('isHidden' in parsed ? { isHidden: parsed.isHidden } : {}),
  };
}
