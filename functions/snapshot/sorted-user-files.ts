import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { UserSink, UserSinkOptions, UsersSummary } from '../shared/export-model.ts';
import { type CanonicalUser, compareKeys } from '../shared/model.ts';
import type { ObjectStore } from '../store/port.ts';
import { type GroupNameOf, userCsvParts } from './csv.ts';
import { snapshotLine } from './jsonl.ts';
import { ExternalSorter } from './spill/external-sorter.ts';
import { RunWriter, type SpillRecord } from './spill/run-file.ts';
import { type SpillSpace, spillError } from './spill/spill-directory.ts';
import { type EncodedUser, UserFilesOutput, type WrittenFile } from './user-files-output.ts';

/** A user held back by one record, to see whether the next arrival repeats its key. */
interface Held {
  readonly encoded: EncodedUser;
  /** Kept while streaming, to judge a duplicate with `sameUser`; dropped once written. */
  readonly user?: CanonicalUser;
}

/**
 * The snapshot's users: a `UserSink` that writes users.jsonl.gz, users.csv and memberships.csv
 * sorted by key, each key once (the latest arrival wins), in memory bounded by the spill budget.
 *
 * While users arrive in key order (an API that pages in key order, as Periscope v1's e-mail cursor
 * does) they are written straight through, each checked against the one before. Every record
 * written is also appended to a local run file, so that the first user out of order (or a late
 * exclusion) can fall back: the files are aborted, the run file becomes the first sorted run, and
 * from then on users go through the external merge sort, written when the sink is closed.
 */
export class SortedUserFiles implements UserSink {
  private output: UserFilesOutput | undefined;
  private sorter: ExternalSorter;
  /** A local copy of the users.jsonl bytes streamed so far: what a fallback to sorting replays. */
  private tee: RunWriter | undefined;
  private teeWrites: Promise<void> = Promise.resolve();
  private streaming = true;
  /** Set by an exclusion while streaming: the users written so far must go through the sort. */
  private mustSort = false;
  private held: Held | undefined;
  private excluded = new Set<string>();
  private duplicatesDropped = 0;
  private differingDuplicates = 0;
  private firstDifferingKey: string | undefined;
  private closed: UsersSummary | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly runPrefix: string,
    private readonly space: SpillSpace,
    private readonly options: UserSinkOptions = {},
  ) {
    this.sorter = this.newSorter();
  }

  async add(batch: readonly CanonicalUser[]): Promise<void> {
    this.assertOpen();
    for (const user of batch) {
      const encoded = encodeUser(user);
      if (!this.streaming) {
        await this.sorter.add(spillRecordOf(encoded));
        continue;
      }
      const held = this.held;
      if (held === undefined) {
        this.held = { encoded, user };
        continue;
      }
      const order = compareKeys(encoded.key, held.encoded.key);
      if (order === 0) {
        this.duplicate(user, held.user as CanonicalUser);
        this.held = { encoded, user };
      } else if (order > 0) {
        await this.emitStreamed(held.encoded);
        this.held = { encoded, user };
      } else {
        await this.startSorting();
        await this.sorter.add(spillRecordOf(encoded));
      }
    }
  }

  async restart(): Promise<void> {
    this.assertOpen();
    await this.discard();
    this.sorter = this.newSorter();
    this.streaming = true;
    this.mustSort = false;
    this.excluded = new Set();
    this.duplicatesDropped = 0;
    this.differingDuplicates = 0;
    this.firstDifferingKey = undefined;
  }

  exclude(keys: Iterable<string>): void {
    this.assertOpen();
    for (const key of keys) this.excluded.add(key);
    // Users already written cannot be taken back: sort from here on, and leave them out then.
    if (this.streaming && this.excluded.size > 0) this.mustSort = true;
  }

  async close(): Promise<UsersSummary> {
    this.assertOpen();
    if (this.mustSort && this.streaming) await this.startSorting();
    if (this.streaming) {
      if (this.held) await this.emitStreamed(this.held.encoded);
      this.held = undefined;
      await this.tee?.discard();
      if (this.tee) await rm(this.tee.path, { force: true });
      this.tee = undefined;
    } else {
      await this.writeSorted();
    }
    const counts = this.openOutput().counts();
    this.closed = {
      uniqueUsers: counts.users,
      duplicatesDropped: this.duplicatesDropped,
      differingDuplicates: this.differingDuplicates,
      ...(this.firstDifferingKey === undefined ? {} : { firstDifferingKey: this.firstDifferingKey }),
      memberships: counts.memberships,
      membersByGroup: counts.membersByGroup,
    };
    return this.closed;
  }

  isClosed(): boolean {
    return this.closed !== undefined;
  }

  /**
   * After `close()`: ends the files, writing the CSVs with each group's name (the groups were
   * listed beside the users), and waits for the store to hold them.
   */
  async commit(nameOf: GroupNameOf): Promise<WrittenFile[]> {
    if (!this.closed) throw new Error('the users were committed before the sink was closed');
    const files = await this.openOutput().commit(nameOf);
    // Committed files are the store's now: a later discard() must not abort them.
    this.output = undefined;
    return files;
  }

  /** Stops every write and removes the spill; the store keeps none of the users' files. */
  async discard(): Promise<void> {
    await this.output?.abort();
    this.output = undefined;
    this.held = undefined;
    if (this.tee) {
      await this.teeWrites.catch(() => undefined);
      await this.tee.discard();
      await rm(this.tee.path, { force: true });
      this.tee = undefined;
    }
    await this.sorter.dispose();
  }

  private newSorter(): ExternalSorter {
    return new ExternalSorter(this.space, 'users', SPILL_FIELDS, this.space.settings.memoryBudgetBytes);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the users sink was used after it was closed');
  }

  private openOutput(): UserFilesOutput {
    this.output ??= new UserFilesOutput(
      this.store,
      this.runPrefix,
      this.space.nextFile('users-csv'),
      (bytes) => {
        const tee = this.tee;
        if (tee) this.teeWrites = this.teeWrites.then(() => tee.appendEncoded(bytes));
      },
    );
    return this.output;
  }

  private duplicate(kept: CanonicalUser, dropped: CanonicalUser): void {
    this.duplicatesDropped += 1;
    if (this.options.sameUser && !this.options.sameUser(kept, dropped)) {
      this.differingDuplicates += 1;
      this.firstDifferingKey ??= kept.key;
    }
  }

  private async emitStreamed(encoded: EncodedUser): Promise<void> {
    this.tee ??= await RunWriter.create(this.space.nextFile('users-in-order'));
    await this.openOutput().write(encoded);
    await this.teeWrites;
  }

  /**
   * From streaming to sorting: the files so far are aborted, and the users they held are read
   * back from the local copy of users.jsonl into the sort, ahead of every later arrival. Parsing
   * them again costs time, but only for an API that broke its own order.
   */
  private async startSorting(): Promise<void> {
    this.streaming = false;
    const unflushed = this.output?.unflushedJsonl() ?? '';
    await this.output?.abort();
    this.output = undefined;
    const tee = this.tee;
    this.tee = undefined;
    if (tee) {
      await this.teeWrites;
      await tee.appendEncoded(Buffer.from(unflushed, 'utf8'));
      await tee.close();
      await this.replay(tee.path);
      await rm(tee.path, { force: true });
    }
    if (this.held) await this.sorter.add(spillRecordOf(this.held.encoded));
    this.held = undefined;
  }

  private async replay(path: string): Promise<void> {
    let lines: AsyncIterable<string>;
    try {
      lines = createInterface({
        input: createReadStream(path, { highWaterMark: 256 * 1024 }),
        crlfDelay: Infinity,
      });
      for await (const line of lines) {
        if (line !== '') await this.sorter.add(spillRecordOf(encodeUser(JSON.parse(line) as CanonicalUser)));
      }
    } catch (cause) {
      throw spillError(dirname(path), 'read a file', cause);
    }
  }

  /** Merges the sorted runs into the files: each key once, the latest arrival kept. */
  private async writeSorted(): Promise<void> {
    const output = this.openOutput();
    let held: SpillRecord | undefined;
    const emit = async (record: SpillRecord) => {
      if (!this.excluded.has(record[0] as string)) await output.write(decodeSpillRecord(record));
    };
    for await (const batch of this.sorter.batches()) {
      for (const record of batch) {
        if (held !== undefined && held[0] === record[0]) {
          this.duplicate(parseUser(record), parseUser(held));
        } else if (held !== undefined) {
          await emit(held);
        }
        held = record;
      }
    }
    if (held !== undefined) await emit(held);
  }
}

/** key, users.jsonl.gz line, users.csv head and tail, e-mail, group keys as listed (JSON). */
const SPILL_FIELDS = 6;

export function encodeUser(user: CanonicalUser): EncodedUser {
  return {
    key: user.key,
    jsonl: snapshotLine(user),
    csv: userCsvParts(user),
    email: user.email ?? '',
    groups: user.groups,
  };
}

function spillRecordOf(user: EncodedUser): SpillRecord {
  return [user.key, user.jsonl, user.csv.head, user.csv.tail, user.email, JSON.stringify(user.groups)];
}

function decodeSpillRecord(record: SpillRecord): EncodedUser {
  const [key, jsonl, head, tail, email, groups] = record as [string, string, string, string, string, string];
  return { key, jsonl, csv: { head, tail }, email, groups: JSON.parse(groups) as string[] };
}

/** Only for a duplicate key, which is rare: the record as the connector's `sameUser` sees it. */
function parseUser(record: SpillRecord): CanonicalUser {
  return JSON.parse(record[1] as string) as CanonicalUser;
}
