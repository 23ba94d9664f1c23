import * as z from 'zod';
import {
  type CanonicalGroup,
  type CanonicalUser,
  canonicalGroupSchema,
  canonicalUserSchema,
  compareKeys,
} from '../shared/model.ts';
import { RAW_KEY } from '../snapshot/jsonl.ts';
import { snapshotFiles } from '../snapshot/layout.ts';
import type { StoredRun } from '../snapshot/list-runs.ts';
import { readManifestAt, runPrefixOf, SnapshotError } from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import { groupMatchRank, lineSearch, memberLineSearch, userMatchRank } from './match.ts';
import type { MemberRef } from './model.ts';
import { scanLines } from './scan-lines.ts';

/** What a history needs of a run's manifest. */
export interface RunHeader {
  readonly runId: string;
  /** The run's folder, ending in `/`. */
  readonly prefix: string;
  readonly status: 'complete' | 'incomplete';
  readonly reason?: string;
  /** Sizes of the snapshot files the manifest lists, by name. */
  readonly fileBytes: ReadonlyMap<string, number>;
}

/** The run's manifest, or why it cannot be used. */
export async function readRunHeader(
  store: ObjectStore,
  run: StoredRun,
): Promise<RunHeader | { readonly unreadable: string }> {
  try {
    const manifest = await readManifestAt(store, run.manifestKey);
    if (!manifest) return { unreadable: `${store.locate(run.manifestKey)} is gone` };
    return {
      runId: run.runId,
      prefix: runPrefixOf(run.manifestKey),
      status: manifest.status,
      ...(manifest.reason === undefined ? {} : { reason: manifest.reason }),
      fileBytes: new Map(manifest.files.map((file) => [file.name, file.bytes])),
    };
  } catch (error) {
    if (error instanceof SnapshotError) return { unreadable: error.message };
    throw error;
  }
}

/** Every user of the run that matches `query`, best match first (see match.ts), with `raw`. */
export async function findUsers(
  store: ObjectStore,
  header: RunHeader,
  query: string,
): Promise<CanonicalUser[]> {
  const found: { rank: number; user: CanonicalUser }[] = [];
  const key = `${header.prefix}${snapshotFiles.usersJsonl}`;
  for await (const { line, text } of candidateLines(store, key, lineSearch(query))) {
    const user = validated(store, key, line, canonicalUserSchema, JSON.parse(text));
    const rank = userMatchRank(user, query);
    if (rank !== undefined) found.push({ rank, user });
  }
  return found.sort(byRankThenKey((entry) => entry.user.key)).map((entry) => entry.user);
}

/** Every group of the run that matches `query`, best match first, with `raw`. */
export async function findGroups(
  store: ObjectStore,
  header: RunHeader,
  query: string,
): Promise<CanonicalGroup[]> {
  const found: { rank: number; group: CanonicalGroup }[] = [];
  const key = `${header.prefix}${snapshotFiles.groupsJsonl}`;
  for await (const { line, text } of candidateLines(store, key, lineSearch(query))) {
    const group = validated(store, key, line, canonicalGroupSchema, JSON.parse(text));
    const rank = groupMatchRank(group, query);
    if (rank !== undefined) found.push({ rank, group });
  }
  return found.sort(byRankThenKey((entry) => entry.group.key)).map((entry) => entry.group);
}

/** The users of the run that list `groupKey`, in key order; `raw` is never parsed. */
export async function readMembers(
  store: ObjectStore,
  header: RunHeader,
  groupKey: string,
): Promise<Map<string, MemberRef>> {
  const members = new Map<string, MemberRef>();
  const key = `${header.prefix}${snapshotFiles.usersJsonl}`;
  for await (const { line, head } of candidateLines(store, key, memberLineSearch(groupKey))) {
    // Only the fields used are checked: a whole-schema check of every member of a large group
    // would cost more than the rest of the read (the audit checks every record of its runs).
    const user = JSON.parse(`${head}}`) as { key?: unknown; email?: unknown; groups?: unknown };
    if (
      typeof user.key !== 'string' ||
      !(user.email === undefined || typeof user.email === 'string') ||
      !Array.isArray(user.groups)
    )
      throw new SnapshotError(
        `${store.locate(key)} line ${line} is not a valid user: no key, e-mail or groups`,
      );
    if (!user.groups.includes(groupKey)) continue;
    members.set(
      user.key,
      user.email === undefined ? { key: user.key } : { key: user.key, email: user.email },
    );
  }
  return members;
}

/** The names of `keys` in the run's groups file; `raw` is never parsed. */
export async function readGroupNames(
  store: ObjectStore,
  header: RunHeader,
  keys: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const key = `${header.prefix}${snapshotFiles.groupsJsonl}`;
  for await (const { line, head } of candidateLines(store, key, { caseInsensitive: false })) {
    const value = JSON.parse(`${head}}`) as { key?: unknown; name?: unknown };
    if (typeof value.key !== 'string' || typeof value.name !== 'string')
      throw new SnapshotError(`${store.locate(key)} line ${line} is not a valid group: no key or name`);
    if (keys.has(value.key)) names.set(value.key, value.name);
  }
  return names;
}

interface CandidateLine {
  readonly line: number;
  /** The whole line. */
  readonly text: string;
  /** The line up to its top-level `raw` key, without the closing brace: `${head}}` is the record without `raw`. */
  readonly head: string;
}

/** What a line must contain to be parsed: the text searched for in the whole file, then in the line's canonical fields. */
interface LineSearch {
  /** Searched in the decompressed text; undefined: every line. */
  readonly needle?: string;
  readonly caseInsensitive: boolean;
}

/**
 * The lines of a gzipped JSON Lines snapshot file whose canonical fields (the line before `raw`)
 * contain the search's needle; the others are never parsed, nor even cut out (see scanLines). A
 * missing or damaged file is a SnapshotError that names it.
 */
async function* candidateLines(
  store: ObjectStore,
  key: string,
  search: LineSearch,
): AsyncGenerator<CandidateLine> {
  const body = await store.openRead(key);
  if (!body) throw new SnapshotError(`${store.locate(key)} does not exist`);
  const { needle, caseInsensitive } = search;
  try {
    for await (const { line, text } of scanLines(body, needle, { caseInsensitive })) {
      const cut = text.indexOf(RAW_KEY);
      const head = cut === -1 ? text.slice(0, text.lastIndexOf('}')) : text.slice(0, cut);
      // The needle may have been found in `raw` only (another user's inviter, say).
      if (needle === undefined || (caseInsensitive ? head.toLowerCase() : head).includes(needle))
        yield { line, text, head };
    }
  } catch (cause) {
    if (cause instanceof SnapshotError) throw cause;
    throw new SnapshotError(`${store.locate(key)} could not be read: ${messageOf(cause)}`, { cause });
  }
}

function validated<T>(
  store: ObjectStore,
  key: string,
  line: number,
  schema: z.ZodType<T>,
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new SnapshotError(
      `${store.locate(key)} line ${line} is not a valid record: ${z.prettifyError(parsed.error)}`,
    );
  }
  return value as T;
}

function byRankThenKey<E extends { rank: number }>(keyOf: (entry: E) => string) {
  return (a: E, b: E) => a.rank - b.rank || compareKeys(keyOf(a), keyOf(b));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
