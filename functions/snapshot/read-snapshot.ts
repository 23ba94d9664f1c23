import * as z from 'zod';
import { RollcallError } from '../shared/errors.ts';
import {
  type CanonicalGroup,
  type CanonicalUser,
  canonicalGroupSchema,
  canonicalUserSchema,
  type GroupFields,
  groupFieldsSchema,
  type UserFields,
  userFieldsSchema,
  userStatuses,
} from '../shared/model.ts';
import type { ObjectStore } from '../store/port.ts';
import { digestOf } from './digest-stream.ts';
import { jsonLineBatches, type LineMode, parseHeadText } from './json-line-batches.ts';
import { latestPointerKey, snapshotFiles, snapshotRunPrefix } from './layout.ts';
import { type LatestPointer, latestPointerSchema, type Manifest, manifestSchema } from './manifest.ts';

/** A snapshot object exists but is not what rollcall wrote: corrupted, truncated or edited. */
export class SnapshotError extends RollcallError {
  override readonly name = 'SnapshotError';
}

/** The key of a run's manifest, relative to the store root (what latest.json points at). */
export function manifestKeyOf(site: string, runId: string): string {
  return `${snapshotRunPrefix(site, runId)}${snapshotFiles.manifest}`;
}

/** The folder a manifest describes: its key without `manifest.json`. */
export function runPrefixOf(manifestKey: string): string {
  return manifestKey.slice(0, manifestKey.lastIndexOf('/') + 1);
}

export async function readManifest(
  store: ObjectStore,
  site: string,
  runId: string,
): Promise<Manifest | undefined> {
  return readManifestAt(store, manifestKeyOf(site, runId));
}

export async function readManifestAt(store: ObjectStore, manifestKey: string): Promise<Manifest | undefined> {
  return readJson(store, manifestKey, manifestSchema);
}

/** The site's newest complete run, or `undefined` before its first complete run. */
export async function readLatest(store: ObjectStore, site: string): Promise<LatestPointer | undefined> {
  return readJson(store, latestPointerKey(site), latestPointerSchema);
}

export interface FileVerification {
  readonly name: string;
  readonly expected: { readonly sha256: string; readonly bytes: number };
  /** Absent when the file is missing. */
  readonly actual?: { readonly sha256: string; readonly bytes: number };
  readonly ok: boolean;
}

export interface SnapshotVerification {
  readonly manifestKey: string;
  readonly manifest: Manifest;
  /** True when every file listed in the manifest exists with the recorded size and SHA-256. */
  readonly ok: boolean;
  readonly files: readonly FileVerification[];
  /** One sentence per mismatch, for people. */
  readonly problems: readonly string[];
}

/** Re-reads and re-hashes every file the manifest lists; throws only when the manifest itself is missing or invalid. */
export async function verifySnapshot(store: ObjectStore, manifestKey: string): Promise<SnapshotVerification> {
  const manifest = await readManifestAt(store, manifestKey);
  if (!manifest) throw new SnapshotError(`there is no manifest at ${store.locate(manifestKey)}`);
  const prefix = runPrefixOf(manifestKey);
  const files = await Promise.all(
    manifest.files.map(async (file): Promise<FileVerification> => {
      const expected = { sha256: file.sha256, bytes: file.bytes };
      const body = await store.openRead(`${prefix}${file.name}`);
      if (!body) return { name: file.name, expected, ok: false };
      const actual = await digestOf(body);
      return {
        name: file.name,
        expected,
        actual,
        ok: actual.sha256 === file.sha256 && actual.bytes === file.bytes,
      };
    }),
  );
  const problems = files.filter((file) => !file.ok).map(describeMismatch);
  return { manifestKey, manifest, ok: problems.length === 0, files, problems };
}

function describeMismatch(file: FileVerification): string {
  if (!file.actual) return `${file.name} is missing`;
  if (file.actual.bytes !== file.expected.bytes) {
    return `${file.name} has ${file.actual.bytes} bytes, the manifest says ${file.expected.bytes}`;
  }
  return `${file.name} has SHA-256 ${file.actual.sha256}, the manifest says ${file.expected.sha256}`;
}

/** The users of the run under `runPrefix` (e.g. `snapshotRunPrefix(site, runId)`), streamed and validated. */
export function readUsers(store: ObjectStore, runPrefix: string): AsyncGenerator<CanonicalUser> {
  return flatten(readBatches(store, usersKey(runPrefix), canonicalUserSchema, 'whole'));
}

export function readGroups(store: ObjectStore, runPrefix: string): AsyncGenerator<CanonicalGroup> {
  return flatten(readBatches(store, groupsKey(runPrefix), canonicalGroupSchema, 'whole'));
}

/**
 * The users without their `raw` provider payload, which is left unparsed: the audit and the diff
 * never read it, and skipping it halves the time to read a snapshot.
 */
export function readUserFields(store: ObjectStore, runPrefix: string): AsyncGenerator<UserFields> {
  return flatten(readUserFieldBatches(store, runPrefix));
}

/**
 * `readUserFields` a decompressed chunk at a time (a few thousand users per array, in key order):
 * a merge walk moves through a batch without awaiting, so a snapshot costs a few hundred awaits
 * instead of one per user in every layer it passes through.
 */
export function readUserFieldBatches(
  store: ObjectStore,
  runPrefix: string,
): AsyncGenerator<readonly UserFields[]> {
  return readBatches(store, usersKey(runPrefix), userFieldsSchema, 'without-raw');
}

/**
 * One line of users.jsonl.gz whose fields are parsed (and validated) only when asked for: a walk
 * that only needs to know a key is present (first-seen dates), or whose line is the same text as
 * the other side's (an unchanged user in the previous run), never parses it.
 */
export class UserLine {
  constructor(
    /** The user's key, read off the text without parsing it. */
    readonly key: string,
    /** The line's fields before `raw`, as a JSON object: equal texts are equal users. */
    readonly text: string,
    private readonly line: number,
    private readonly file: string,
  ) {}

  /**
   * The validated fields, parsed anew on every call: a walk asks once, and not caching them lets
   * each user's fields die young instead of living as long as their batch (which costs the
   * garbage collector more than the parse).
   */
  fields(): UserFields {
    return validUserFields(this.text, this.line, this.file);
  }
}

/**
 * The users of a run as `UserLine`s, a decompressed chunk at a time. Keys are read off the text
 * when the line starts with an unescaped key, as rollcall writes it; any other line is parsed.
 */
export async function* readUserLineBatches(
  store: ObjectStore,
  runPrefix: string,
): AsyncGenerator<readonly UserLine[]> {
  const key = usersKey(runPrefix);
  const body = await store.openRead(key);
  const file = store.locate(key);
  if (!body) throw new SnapshotError(`${file} does not exist`);
  try {
    for await (const { firstLine, values } of jsonLineBatches(body, 'head-text')) {
      const lines: UserLine[] = new Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const text = values[i] as string;
        const line = firstLine + i;
        lines[i] = new UserLine(keyOf(text) ?? validUserFields(text, line, file).key, text, line, file);
      }
      yield lines;
    }
  } catch (cause) {
    if (cause instanceof SnapshotError) throw cause;
    throw new SnapshotError(`${file} could not be read: ${messageOf(cause)}`, { cause });
  }
}

const KEY_START = '{"key":"';

/** The key of a line that starts with it and has no escape in it, else undefined. */
function keyOf(text: string): string | undefined {
  if (!text.startsWith(KEY_START)) return undefined;
  const end = text.indexOf('"', KEY_START.length);
  if (end === -1) return undefined;
  const key = text.slice(KEY_START.length, end);
  return key.includes('\\') ? undefined : key;
}

function validUserFields(text: string, line: number, file: string): UserFields {
  let value: unknown;
  try {
    value = parseHeadText(text);
  } catch (cause) {
    throw new SnapshotError(`${file} could not be read: line ${line} is not JSON`, { cause });
  }
  if (surelyUserFields(value)) return value;
  const parsed = userFieldsSchema.safeParse(value);
  if (!parsed.success)
    throw new SnapshotError(`${file} line ${line} is not a valid record: ${z.prettifyError(parsed.error)}`);
  // As in `readBatches`: a valid record is exactly its parsed value.
  return value as UserFields;
}

const userFieldNames = new Set(Object.keys(userFieldsSchema.shape));
const userStatusSet = new Set<unknown>(userStatuses);
/**
 * `z.iso.datetime({ offset: false })` without 29 February: every string it matches, zod accepts
 * (a test holds them to it). A leap day, like anything else this check is unsure of, goes to zod.
 */
const PLAIN_UTC_TIME =
  /^\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/;

/**
 * True only when `value` passes `userFieldsSchema`, checked by hand: zod's generic checks were a
 * tenth of the audit's time at 1,000,000 users. False means "not sure": zod then decides, and
 * words the error.
 */
export function surelyUserFields(value: unknown): value is UserFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  for (const name in record) if (!userFieldNames.has(name)) return false;
  const { key, groups } = record;
  if (typeof key !== 'string' || key.length === 0 || !userStatusSet.has(record.status)) return false;
  if (!Array.isArray(groups)) return false;
  for (const group of groups) if (typeof group !== 'string') return false;
  return (
    optionalString(record.id) &&
    optionalString(record.email) &&
    optionalString(record.firstName) &&
    optionalString(record.lastName) &&
    optionalTime(record.lastLoginAt) &&
    optionalTime(record.passwordUpdatedAt) &&
    optionalTime(record.createdAt) &&
    (record.mfaEnabled === undefined ||
      record.mfaEnabled === null ||
      typeof record.mfaEnabled === 'boolean') &&
    (record.admin === undefined || typeof record.admin === 'boolean')
  );
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function optionalTime(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && PLAIN_UTC_TIME.test(value));
}

export function readGroupFields(store: ObjectStore, runPrefix: string): AsyncGenerator<GroupFields> {
  return flatten(readBatches(store, groupsKey(runPrefix), groupFieldsSchema, 'without-raw'));
}

function usersKey(runPrefix: string): string {
  return `${asFolder(runPrefix)}${snapshotFiles.usersJsonl}`;
}

function groupsKey(runPrefix: string): string {
  return `${asFolder(runPrefix)}${snapshotFiles.groupsJsonl}`;
}

async function* flatten<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

async function* readBatches<T>(
  store: ObjectStore,
  key: string,
  schema: z.ZodType<T>,
  mode: LineMode,
): AsyncGenerator<T[]> {
  const body = await store.openRead(key);
  if (!body) throw new SnapshotError(`${store.locate(key)} does not exist`);
  try {
    for await (const { firstLine, values } of jsonLineBatches(body, mode)) {
      for (let i = 0; i < values.length; i++) {
        const parsed = schema.safeParse(values[i]);
        if (!parsed.success) {
          throw new SnapshotError(
            `${store.locate(key)} line ${firstLine + i} is not a valid record: ${z.prettifyError(parsed.error)}`,
          );
        }
      }
      // The record schemas are strict and have no defaults or transforms, so a record that passes
      // is exactly its parsed value: handing that on instead of zod's copy saves an object per
      // record (a second of garbage collection for two 200,000-user snapshots).
      yield values as T[];
    }
  } catch (cause) {
    if (cause instanceof SnapshotError) throw cause;
    throw new SnapshotError(`${store.locate(key)} could not be read: ${messageOf(cause)}`, { cause });
  }
}

async function readJson<T>(store: ObjectStore, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new SnapshotError(`${store.locate(key)} is not JSON`, { cause });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new SnapshotError(
      `${store.locate(key)} is not what rollcall writes: ${z.prettifyError(parsed.error)}`,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}

function asFolder(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
