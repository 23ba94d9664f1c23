import * as z from 'zod';
import { snapshotRunPrefix } from '../snapshot/layout.ts';
import type { ObjectStore } from '../store/port.ts';

/**
 * `failure.json` in a run's snapshot folder: an export of the site ended before it could write a
 * snapshot (credentials refused, site unreachable). It is the only file of such a run, so
 * `rollcall runs` and a person browsing the store see that the night was attempted and why it failed.
 */
export const FAILURE_RECORD_FILE = 'failure.json';

export const failureRecordSchema = z.strictObject({
  schemaVersion: z.literal(1),
  site: z.string(),
  provider: z.string(),
  runId: z.string(),
  scheduledAt: z.iso.datetime(),
  failedAt: z.iso.datetime(),
  /** What kind of failure: auth, disabled, unreachable, server, protocol, credentials, store, too-large, internal. */
  failure: z.string(),
  /** The message the command printed; rollcall's messages never hold a secret. */
  reason: z.string(),
});
export type FailureRecord = z.infer<typeof failureRecordSchema>;

export function failureRecordKey(site: string, runId: string): string {
  return `${snapshotRunPrefix(site, runId)}${FAILURE_RECORD_FILE}`;
}

export async function writeFailureRecord(store: ObjectStore, record: FailureRecord): Promise<void> {
  await store.put(failureRecordKey(record.site, record.runId), `${JSON.stringify(record, null, 2)}\n`, {
    contentType: 'application/json',
  });
}

/** The record at `key`, or `undefined` when it is missing or not one rollcall wrote. */
export async function readFailureRecordAt(
  store: ObjectStore,
  key: string,
): Promise<FailureRecord | undefined> {
  const body = await store.get(key);
  if (body === undefined) return undefined;
  try {
    const parsed = failureRecordSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
