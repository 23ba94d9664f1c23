import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import type { ObjectStore } from '../store/port.ts';
import {
  csvHeaderLine,
  csvLine,
  type GroupNameOf,
  membershipsCsvHeader,
  type UserCsvParts,
  userCsvLine,
  usersCsvHeader,
} from './csv.ts';
import { putHashed, type StoredDigest } from './hashed-put.ts';
import { snapshotFiles } from './layout.ts';
import { RunReader, RunWriter } from './spill/run-file.ts';

/** A file whose bytes have all been handed to the store, with what the store made of them. */
export interface WrittenFile extends StoredDigest {
  readonly name: string;
  readonly records: number;
}

/** One user as the snapshot files spell it, already encoded. */
export interface EncodedUser {
  readonly key: string;
  /** The users.jsonl.gz line, without its `\n`. */
  readonly jsonl: string;
  /** The users.csv row without its group names (see `userCsvParts`). */
  readonly csv: UserCsvParts;
  /** The e-mail for memberships.csv; empty when the user has none. */
  readonly email: string;
  /** The user's group keys as the source lists them. */
  readonly groups: readonly string[];
}

interface Sink {
  readonly name: string;
  readonly source: PassThrough;
  readonly digest: Promise<StoredDigest>;
  pending: string;
}

/**
 * Text is handed on in pieces of about this many characters. Every piece costs a trip through
 * gzip's thread pool, the hash and a file or network write; a page's worth at a time made those
 * trips cost more than the encoding itself.
 */
const FLUSH_CHARS = 256 * 1024;

/**
 * users.jsonl.gz, users.csv and memberships.csv, written as users arrive in key order. The CSVs
 * name each user's groups, and the groups are listed beside the users, so their names are known
 * only at the end: users.jsonl.gz streams to the store as users arrive, while what the CSVs need
 * goes to a local file (`csvCopyPath`) that `commit` reads back once, with the groups' names.
 * Ending the files is a separate step (`commit`), so the snapshot writer can still decide to keep
 * none of them: until then an abort leaves no object in the store.
 */
export class UserFilesOutput {
  private users = 0;
  private memberships = 0;
  private readonly membersByGroup = new Map<string, number>();
  private aborted = false;
  private readonly usersJsonl: Sink;
  private csvCopy: Promise<RunWriter> | undefined;
  private csvSinks: Sink[] = [];

  /**
   * @param csvCopyPath a local file for the CSVs' rows until the groups' names are known.
   * @param copyJsonl given every piece of users.jsonl (before gzip) as it is handed on, so a
   *   local copy costs no second encoding.
   */
  constructor(
    private readonly store: ObjectStore,
    private readonly runPrefix: string,
    private readonly csvCopyPath: string,
    private readonly copyJsonl?: (bytes: Buffer) => void,
  ) {
    this.usersJsonl = this.open(snapshotFiles.usersJsonl, 'application/gzip', () =>
      createGzip({ chunkSize: 256 * 1024 }),
    );
  }

  /** Appends one user; resolves when the files can take more. */
  write(user: EncodedUser): Promise<void> {
    this.users += 1;
    this.usersJsonl.pending += `${user.jsonl}\n`;
    const groups = membershipKeys(user.groups);
    for (const group of groups) this.membersByGroup.set(group, (this.membersByGroup.get(group) ?? 0) + 1);
    this.memberships += groups.length;
    this.csvCopy ??= RunWriter.create(this.csvCopyPath);
    const copied = this.csvCopy.then((copy) =>
      copy.append([user.key, user.csv.head, user.csv.tail, user.email, JSON.stringify(user.groups)]),
    );
    const sink = this.usersJsonl;
    if (sink.pending.length < FLUSH_CHARS) return copied;
    const bytes = Buffer.from(sink.pending, 'utf8');
    this.copyJsonl?.(bytes);
    const more = sink.source.write(bytes);
    sink.pending = '';
    return more ? copied : Promise.all([copied, drained(sink)]).then(() => undefined);
  }

  /** users.jsonl text not yet handed on (nor copied). */
  unflushedJsonl(): string {
    return this.usersJsonl.pending;
  }

  /** What was written so far: users, memberships, and members per group key. */
  counts() {
    return { users: this.users, memberships: this.memberships, membersByGroup: this.membersByGroup };
  }

  /**
   * Ends users.jsonl.gz, writes users.csv and memberships.csv from the local copy with each group's
   * name, and waits for the store to hold the three.
   */
  async commit(nameOf: GroupNameOf): Promise<WrittenFile[]> {
    this.usersJsonl.source.end(this.usersJsonl.pending);
    this.usersJsonl.pending = '';
    const usersCsv = this.open(snapshotFiles.usersCsv, 'text/csv; charset=utf-8');
    const membershipsCsv = this.open(snapshotFiles.membershipsCsv, 'text/csv; charset=utf-8');
    this.csvSinks = [usersCsv, membershipsCsv];
    usersCsv.pending = csvHeaderLine(usersCsvHeader);
    membershipsCsv.pending = csvHeaderLine(membershipsCsvHeader);
    try {
      await this.writeCsvs(usersCsv, membershipsCsv, nameOf);
    } finally {
      await rm(this.csvCopyPath, { force: true });
    }
    for (const sink of this.csvSinks) {
      sink.source.end(sink.pending);
      sink.pending = '';
    }
    const [jsonl, csv, memberships] = await Promise.all(this.sinks().map((sink) => sink.digest));
    return [
      { name: this.usersJsonl.name, records: this.users, ...(jsonl as StoredDigest) },
      { name: usersCsv.name, records: this.users, ...(csv as StoredDigest) },
      { name: membershipsCsv.name, records: this.memberships, ...(memberships as StoredDigest) },
    ];
  }

  /** Stops the writes; the store keeps none of them. Safe to call more than once. */
  async abort(): Promise<void> {
    if (!this.aborted) {
      this.aborted = true;
      for (const sink of this.sinks()) sink.source.destroy(new Error('snapshot file aborted'));
      const copy = this.csvCopy;
      this.csvCopy = undefined;
      await copy?.then((writer) => writer.discard()).catch(() => undefined);
      await rm(this.csvCopyPath, { force: true });
    }
    await Promise.allSettled(this.sinks().map((sink) => sink.digest));
  }

  private async writeCsvs(usersCsv: Sink, membershipsCsv: Sink, nameOf: GroupNameOf): Promise<void> {
    const copy = this.csvCopy;
    if (copy === undefined) return;
    await (await copy).close();
    const reader = await RunReader.open(this.csvCopyPath, CSV_COPY_FIELDS);
    try {
      while (reader.current !== undefined) {
        const [key, head, tail, email, listed] = reader.current as [string, string, string, string, string];
        const groups = JSON.parse(listed) as string[];
        usersCsv.pending += userCsvLine({ head, tail }, groups, nameOf);
        for (const group of membershipKeys(groups)) {
          membershipsCsv.pending += csvLine([key, group, email, nameOf(group)]);
        }
        for (const sink of [usersCsv, membershipsCsv]) {
          if (sink.pending.length < FLUSH_CHARS) continue;
          const more = sink.source.write(Buffer.from(sink.pending, 'utf8'));
          sink.pending = '';
          if (!more) await drained(sink);
        }
        await reader.advance();
      }
    } finally {
      await reader.close();
    }
  }

  private open(name: string, contentType: string, encode?: () => Gzip): Sink {
    const source = new PassThrough({ highWaterMark: FLUSH_CHARS });
    const body: Readable = encode ? pipeline(source, encode(), () => undefined) : source;
    const digest = putHashed(this.store, `${this.runPrefix}${name}`, body, contentType);
    // Awaited in commit() or abort(); until then a failure must not count as unhandled.
    digest.catch(() => undefined);
    return { name, source, digest, pending: '' };
  }

  private sinks(): Sink[] {
    return [this.usersJsonl, ...this.csvSinks];
  }
}

/** key, users.csv head and tail, e-mail, group keys as listed (JSON). */
const CSV_COPY_FIELDS = 5;

/** The group keys of a user's rows in memberships.csv: sorted by code unit, each once. */
function membershipKeys(groups: readonly string[]): string[] {
  return [...new Set(groups)].sort();
}

/** Resolves when the stream wants more, or when it has failed (the digest reports why). */
function drained(sink: Sink): Promise<unknown> {
  return Promise.race([
    once(sink.source, 'drain').catch(() => undefined),
    sink.digest.catch(() => undefined),
  ]);
}
