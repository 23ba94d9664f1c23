import * as z from 'zod';
import { runCheckpointKey } from '../../snapshot/layout.ts';
import type { ObjectStore } from '../../store/port.ts';

export const CHECKPOINT_SCHEMA_VERSION = 1;

/**
 * A checkpoint older than this is stale: the site has changed too much since for its pages to
 * stand beside fresh ones in one snapshot, and the export starts again.
 */
export const MAX_CHECKPOINT_AGE_MS = 24 * 60 * 60 * 1000;

const partSchema = z.strictObject({
  key: z.string().min(1),
  /** Of the stored (gzip) bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  /** Responses it holds. */
  entries: z.number().int().nonnegative(),
});

const progressSchema = z.strictObject({
  listing: z.string(),
  page: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
});

export const checkpointSchema = z.strictObject({
  schemaVersion: z.literal(CHECKPOINT_SCHEMA_VERSION),
  site: z.string(),
  provider: z.string(),
  origin: z.string(),
  runId: z.string(),
  /** The lease holder of the slices so far: the next slice takes the lease over as this holder. */
  holder: z.string(),
  /** When the export's first slice started: the manifest's startedAt. */
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Slices that have run, the one that wrote this checkpoint included. */
  slices: z.number().int().positive(),
  /** The durable parts, in the order they were written: every response read so far. */
  parts: z.array(partSchema),
  /** Where the export stood, for people ("users page 1,204 of ~2,500"). */
  progress: progressSchema.nullable(),
  /**
   * The last slice of this run that failed, and why (for people). Once one has, a request that
   * ended in an error is asked again rather than answered from the parts: the retry after a
   * network or server failure must not replay that failure.
   */
  lastFailure: z.strictObject({ at: z.iso.datetime(), reason: z.string() }).optional(),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;
export type CheckpointPart = z.infer<typeof partSchema>;
export type CheckpointProgress = z.infer<typeof progressSchema>;
export type CheckpointFailure = NonNullable<Checkpoint['lastFailure']>;

/** Which export a checkpoint must belong to. */
export interface CheckpointIdentity {
  readonly site: string;
  readonly provider: string;
  readonly origin: string;
  readonly runId: string;
}

export type CheckpointReading =
  | { readonly checkpoint: Checkpoint }
  | { readonly discarded: string }
  | { readonly none: true };

/**
 * The run's checkpoint, if it is one this export may resume: readable, of this schema, of this
 * site, provider, origin and run, and not stale. Anything else is discarded, with the reason:
 * a checkpoint can cost time, never correctness. (Part hashes are checked as parts are read.)
 */
export async function readCheckpoint(
  store: ObjectStore,
  identity: CheckpointIdentity,
  now: Date,
): Promise<CheckpointReading> {
  const key = runCheckpointKey(identity.site, identity.runId);
  const body = await store.get(key);
  if (body === undefined) return { none: true };
  const where = store.locate(key);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { discarded: `the checkpoint at ${where} is not valid JSON (truncated?)` };
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) {
    return {
      discarded: `the checkpoint at ${where} does not match its schema: ${z.prettifyError(parsed.error)}`,
    };
  }
  const checkpoint = parsed.data;
  for (const field of ['site', 'provider', 'origin', 'runId'] as const) {
    if (checkpoint[field] !== identity[field]) {
      return {
        discarded: `the checkpoint at ${where} belongs to another export (its ${field} is ${JSON.stringify(checkpoint[field])}, not ${JSON.stringify(identity[field])})`,
      };
    }
  }
  const age = now.getTime() - Date.parse(checkpoint.updatedAt);
  if (age > MAX_CHECKPOINT_AGE_MS) {
    return {
      discarded: `the checkpoint at ${where} was written ${checkpoint.updatedAt}, more than a day ago: too stale to resume`,
    };
  }
  return { checkpoint };
}

export async function writeCheckpoint(store: ObjectStore, checkpoint: Checkpoint): Promise<void> {
  const valid = checkpointSchema.parse(checkpoint);
  await store.put(runCheckpointKey(valid.site, valid.runId), `${JSON.stringify(valid, null, 2)}\n`, {
    contentType: 'application/json',
  });
}

/** "users page 1,204 of ~2,500". */
export function describeProgress(progress: CheckpointProgress | null): string {
  if (progress === null) return 'the beginning';
  const { listing, page, records, total } = progress;
  const number = (value: number) => value.toLocaleString('en-US');
  if (total === null || records === 0 || page === 0) return `${listing} page ${number(page)}`;
  const pages = Math.max(page, Math.ceil(total / (records / page)));
  return `${listing} page ${number(page)} of ~${number(pages)}`;
}
