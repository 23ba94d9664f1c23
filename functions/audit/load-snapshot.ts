import type { DiffedGroup } from '../diff/model.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import {
  readGroupFields,
  readManifestAt,
  readUserFields,
  runPrefixOf,
  SnapshotError,
  type SnapshotVerification,
  verifySnapshot,
} from '../snapshot/read-snapshot.ts';
import type { ObjectStore } from '../store/port.ts';
import type { AuditedUser } from './model.ts';

/** A snapshot as the audit and the diff use it: records without their raw provider payload. */
export interface LoadedSnapshot {
  readonly manifestKey: string;
  readonly manifest: Manifest;
  readonly users: AuditedUser[];
  readonly groups: DiffedGroup[];
}

/** Reads a run's users and groups, dropping `raw` as it goes so two 200,000-user snapshots fit in memory. */
export async function loadSnapshot(store: ObjectStore, manifestKey: string): Promise<LoadedSnapshot> {
  const manifest = await readManifestAt(store, manifestKey);
  if (!manifest) throw new SnapshotError(`there is no manifest at ${store.locate(manifestKey)}`);
  const prefix = runPrefixOf(manifestKey);
  const [users, groups] = await Promise.all([
    collect(readUserFields(store, prefix)),
    collect(readGroupFields(store, prefix)),
  ]);
  return { manifestKey, manifest, users, groups };
}

/**
 * Loads a snapshot and re-hashes its files at the same time (both read every file once). A file
 * that does not match its manifest is reported in `verification` even when it could not be parsed.
 */
export async function loadVerifiedSnapshot(
  store: ObjectStore,
  manifestKey: string,
): Promise<
  | { snapshot: LoadedSnapshot; verification: SnapshotVerification }
  | { verification: SnapshotVerification; loadError: unknown }
> {
  const [snapshot, verification] = await Promise.allSettled([
    loadSnapshot(store, manifestKey),
    verifySnapshot(store, manifestKey),
  ]);
  if (verification.status === 'rejected') throw verification.reason;
  if (snapshot.status === 'rejected') return { verification: verification.value, loadError: snapshot.reason };
  return { snapshot: snapshot.value, verification: verification.value };
}

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const record of records) out.push(record);
  return out;
}
