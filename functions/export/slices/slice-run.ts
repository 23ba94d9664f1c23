import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import type { Clock } from '../../shared/clock.ts';
import type { ExportObserver } from '../../shared/export-model.ts';
import type { HttpClient } from '../../shared/http/client.ts';
import { runPartKey } from '../../snapshot/layout.ts';
import { type SpillSettings, spillError } from '../../snapshot/spill/spill-directory.ts';
import type { ObjectStore } from '../../store/port.ts';
import {
  CHECKPOINT_SCHEMA_VERSION,
  type Checkpoint,
  type CheckpointFailure,
  type CheckpointIdentity,
  type CheckpointPart,
  type CheckpointProgress,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint.ts';
import { ReplayIndex, ResponseJournal } from './response-journal.ts';
import { removeRunWork } from './run-work.ts';

export interface SliceRunOptions {
  readonly store: ObjectStore;
  readonly identity: CheckpointIdentity;
  readonly clock: Clock;
  readonly spill: SpillSettings;
  /** This slice's budget; absent: unlimited. */
  readonly remainingMs?: () => number;
  /** Ignore (and later replace) any checkpoint the run has. */
  readonly restart: boolean;
  /** The lease holder of this slice, recorded for the next. */
  readonly holder: string;
  /** Throws when this slice may no longer write the run; called before each checkpoint. */
  readonly confirmWriter: () => Promise<void>;
  /** A part is made durable once this many bytes of responses wait, or this long after the last. */
  readonly partBytes?: number;
  readonly partEveryMs?: number;
}

/** About 4 MB of responses a part: memory stays bounded, a crash costs at most a minute. */
const DEFAULT_PART_BYTES = 4 * 1024 * 1024;
/** Compressed on libuv's threads, beside the export rather than in its way. */
const gzipAsync = promisify(gzip);
const DEFAULT_PART_EVERY_MS = 60_000;

/**
 * One slice of an export. It opens the run's checkpoint (or discards it, saying why), reads its
 * parts into a local replay index, hands out the HTTP client that replays them and records what
 * is read anew, and makes that durable as it goes: a new part first, then the checkpoint that
 * lists it. A crash between the two leaves a part no checkpoint lists; the next slice writes
 * its own part under the same key, so nothing is ever counted twice.
 */
export class SliceRun {
  /** The slice this is, counting from 1. */
  readonly slice: number;
  readonly startedAt: Date;
  /** Where the export resumed, or undefined when it started from the beginning. */
  readonly resumedFrom: Checkpoint | undefined;
  /** Why a checkpoint that was there was not used. */
  readonly discarded: string | undefined;
  private readonly journal: ResponseJournal;
  private readonly parts: CheckpointPart[];
  private pending: string[] = [];
  private pendingBytes = 0;
  private lastDurableAt: number;
  private writeQueued = false;
  private progress: CheckpointProgress | null;
  private lastFailure: CheckpointFailure | undefined;
  private readonly pagesByListing = new Map<string, number>();
  private persisting: Promise<Checkpoint | undefined> = Promise.resolve(undefined);
  private persistFailure: unknown;
  private closed = false;
  /** Whether this slice wrote a part or a checkpoint. */
  private madeDurable = false;
  /** Whether the site answered this slice at least once (not with a failure). */
  private answered = false;
  /** When the slice opened (before its parts were read), and when it first asked the site. */
  private readonly openedAt: number;
  private firstSentAt: number | undefined;

  get identity(): CheckpointIdentity {
    return this.options.identity;
  }

  private constructor(
    private readonly options: SliceRunOptions,
    private readonly directory: string,
    replay: ReplayIndex,
    resumed: { checkpoint?: Checkpoint; discarded?: string },
    openedAt: number,
  ) {
    const { checkpoint } = resumed;
    this.openedAt = openedAt;
    this.resumedFrom = checkpoint;
    this.discarded = resumed.discarded;
    this.slice = (checkpoint?.slices ?? 0) + 1;
    this.startedAt = checkpoint ? new Date(checkpoint.startedAt) : options.clock.now();
    this.parts = [...(checkpoint?.parts ?? [])];
    this.progress = checkpoint?.progress ?? null;
    this.lastFailure = checkpoint?.lastFailure;
    this.lastDurableAt = options.clock.now().getTime();
    this.journal = new ResponseJournal({
      replay,
      ...(options.remainingMs === undefined ? {} : { remainingMs: options.remainingMs }),
      record: (line, failed) => {
        if (!failed) this.answered = true;
        return this.record(line);
      },
      onFirstSent: () => {
        this.firstSentAt = options.clock.now().getTime();
      },
    });
  }

  /** Seconds since the slice opened. */
  elapsedSeconds(): number {
    return (this.options.clock.now().getTime() - this.openedAt) / 1000;
  }

  /**
   * What resuming cost this slice: the answers it replayed, and the seconds from opening the
   * checkpoint (reading its parts included) to its first request to the site — or to now, when it
   * has asked nothing yet. Undefined when the slice resumed nothing.
   */
  replayed(): { readonly answers: number; readonly seconds: number } | undefined {
    if (this.resumedFrom === undefined) return undefined;
    const until = this.firstSentAt ?? this.options.clock.now().getTime();
    return { answers: this.journal.replayed, seconds: (until - this.openedAt) / 1000 };
  }

  static async open(options: SliceRunOptions): Promise<SliceRun> {
    const openedAt = options.clock.now().getTime();
    const directory = await mkdtemp(join(options.spill.directory, 'rollcall-replay-')).catch((cause) => {
      throw spillError(options.spill.directory, 'make a folder', cause);
    });
    let file = await open(join(directory, 'responses.jsonl'), 'w+');
    let replay = new ReplayIndex(file);
    const resumed = await loadCheckpoint(options, replay);
    if (resumed.checkpoint === undefined && replay.entries > 0) {
      // A part failed its check after others were read: none of them may answer a request.
      await file.close();
      file = await open(join(directory, 'responses-fresh.jsonl'), 'w+');
      replay = new ReplayIndex(file);
    }
    const run = new SliceRun(options, directory, replay, resumed, openedAt);
    run.files.push(file);
    return run;
  }

  private readonly files: { close(): Promise<void> }[] = [];

  /** True once the budget stopped a request: the export must end this slice, not write files. */
  get budgetSpent(): boolean {
    return this.journal.budgetSpent;
  }

  client(inner: HttpClient): HttpClient {
    return this.journal.wrap(inner);
  }

  /** Watches pages for the checkpoint's progress, and passes them on. */
  observer(inner: ExportObserver | undefined): ExportObserver {
    return {
      page: (listing, records, total) => {
        const page = (this.pagesByListing.get(listing) ?? 0) + 1;
        this.pagesByListing.set(listing, page);
        this.progress = { listing, page, records, total };
        inner?.page?.(listing, records, total);
      },
      ...(inner?.finish === undefined ? {} : { finish: () => inner.finish?.() }),
    };
  }

  /** Makes every response read so far durable: a new part, then the checkpoint. */
  async persist(): Promise<Checkpoint> {
    this.persisting = this.persisting.then(() => this.writeDurable());
    const checkpoint = await this.persisting;
    return checkpoint as Checkpoint;
  }

  /**
   * This slice failed in a way a later attempt may not (the site or the store was unreachable or
   * overloaded): what it read is made durable, so that the retry resumes here, and the checkpoint
   * says why it stopped — and that from now on a request that ended in an error is asked again.
   */
  async keepAfterFailure(reason: string): Promise<void> {
    // Nothing read to keep (the site was down from the first request): leave no work behind.
    if (!this.answered && this.parts.length === 0) return this.removeWork();
    this.lastFailure = { at: this.options.clock.now().toISOString(), reason };
    await this.persist();
  }

  /**
   * After the snapshot is written (or the export failed for good): the run's checkpoint and parts
   * are of no more use. Best effort: what is left expires with the bucket's rule for abandoned work, and
   * an export that never made anything durable removes nothing (and needs no right to).
   */
  async removeWork(): Promise<void> {
    await this.persisting.catch(() => undefined);
    this.closed = true;
    const found = this.resumedFrom !== undefined || this.discarded !== undefined;
    if (!found && !this.madeDurable) return;
    await removeRunWork(this.options.store, this.options.identity.site, this.options.identity.runId);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.persisting.catch(() => undefined);
    for (const file of this.files.splice(0)) await file.close().catch(() => undefined);
    await rm(this.directory, { recursive: true, force: true });
  }

  /** Resolves once the parts being written in the background are stored (or have failed). */
  async durable(): Promise<void> {
    await this.persisting.catch(() => undefined);
  }

  /** A failure of a background part write, surfaced where the export can report it. */
  failure(): unknown {
    return this.persistFailure;
  }

  private record(line: string): undefined | Promise<void> {
    if (this.closed) return undefined;
    this.pending.push(line);
    this.pendingBytes += line.length;
    const partBytes = this.options.partBytes ?? DEFAULT_PART_BYTES;
    const now = this.options.clock.now().getTime();
    const due =
      this.pendingBytes >= partBytes ||
      now - this.lastDurableAt >= (this.options.partEveryMs ?? DEFAULT_PART_EVERY_MS);
    if (due && !this.writeQueued) {
      // One write waits in the queue at a time: it takes every line pending when it starts.
      this.writeQueued = true;
      this.lastDurableAt = now;
      this.persisting = this.persisting
        .then(() => this.writeDurable())
        .catch((error: unknown) => {
          this.persistFailure ??= error;
          return undefined;
        });
    }
    // Reading outruns the store: hold the responses back until the parts in hand are written,
    // so what waits in memory stays within two parts.
    if (this.pendingBytes >= 2 * partBytes) return this.persisting.then(() => undefined);
    return undefined;
  }

  private async writeDurable(): Promise<Checkpoint> {
    const { store, identity } = this.options;
    this.writeQueued = false;
    const lines = this.pending.splice(0);
    this.pendingBytes = 0;
    if (lines.length > 0) {
      const key = runPartKey(identity.site, identity.runId, this.parts.length);
      // The fastest level: a part lives for hours at most, and compressing sits on every export's path.
      const bytes = await gzipAsync(`${lines.join('\n')}\n`, { level: 1 });
      this.madeDurable = true;
      try {
        await store.put(key, bytes, { contentType: 'application/gzip' });
      } catch (error) {
        // Kept for the next part: the failed slice still makes them durable for its retry.
        this.pending.unshift(...lines);
        this.pendingBytes += lines.reduce((sum, line) => sum + line.length, 0);
        throw error;
      }
      this.parts.push({ key, sha256: sha256(bytes), bytes: bytes.length, entries: lines.length });
    }
    const checkpoint: Checkpoint = {
      schemaVersion: CHECKPOINT_SCHEMA_VERSION,
      ...identity,
      holder: this.options.holder,
      startedAt: this.startedAt.toISOString(),
      updatedAt: this.options.clock.now().toISOString(),
      slices: this.slice,
      parts: [...this.parts],
      progress: this.progress,
      ...(this.lastFailure === undefined ? {} : { lastFailure: this.lastFailure }),
    };
    await this.options.confirmWriter();
    this.madeDurable = true;
    await writeCheckpoint(store, checkpoint);
    return checkpoint;
  }
}

/** The checkpoint's parts, checked against their hashes, into the replay index; or why not. */
async function loadCheckpoint(
  options: SliceRunOptions,
  replay: ReplayIndex,
): Promise<{ checkpoint?: Checkpoint; discarded?: string }> {
  if (options.restart) return {};
  const reading = await readCheckpoint(options.store, options.identity, options.clock.now());
  if ('none' in reading) return {};
  if ('discarded' in reading) return { discarded: reading.discarded };
  const { checkpoint } = reading;
  for (const part of checkpoint.parts) {
    const problem = await loadPart(options.store, part, replay, checkpoint.lastFailure === undefined);
    if (problem !== undefined) {
      return { discarded: problem };
    }
  }
  return { checkpoint };
}

async function loadPart(
  store: ObjectStore,
  part: CheckpointPart,
  replay: ReplayIndex,
  errors: boolean,
): Promise<string | undefined> {
  const where = store.locate(part.key);
  const bytes = await store.get(part.key);
  if (bytes === undefined) return `the checkpoint's part ${where} is missing`;
  if (sha256(bytes) !== part.sha256) return `the checkpoint's part ${where} does not match its SHA-256`;
  let lines: string[];
  try {
    lines = gunzipSync(bytes).toString('utf8').split('\n');
    if (lines.filter((line) => line !== '').length !== part.entries)
      return `the checkpoint's part ${where} does not hold the ${part.entries} responses it lists`;
    await replay.append(lines, { errors });
  } catch {
    return `the checkpoint's part ${where} cannot be read`;
  }
  return undefined;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
