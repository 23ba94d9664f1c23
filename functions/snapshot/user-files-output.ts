import { once } from 'node:events';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import type { ObjectStore } from '../store/port.ts';
import { csvHeaderLine, csvLine, membershipsCsvHeader, usersCsvHeader } from './csv.ts';
import { putHashed, type StoredDigest } from './hashed-put.ts';
import { snapshotFiles } from './layout.ts';

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
  /** The users.csv row, with its CRLF. */
  readonly csv: string;
  /** The user's group keys, sorted, each once. */
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
 * users.jsonl.gz, users.csv and memberships.csv, written as users arrive in key order. Ending
 * them is a separate step (`commit`), so the snapshot writer can still decide to keep none of
 * them: until then an abort leaves no object in the store.
 */
export class UserFilesOutput {
  private users = 0;
  private memberships = 0;
  private readonly membersByGroup = new Map<string, number>();
  private aborted = false;
  private readonly usersJsonl: Sink;
  private readonly usersCsv: Sink;
  private readonly membershipsCsv: Sink;

  /**
   * @param copyJsonl given every piece of users.jsonl (before gzip) as it is handed on, so a
   *   local copy costs no second encoding.
   */
  constructor(
    store: ObjectStore,
    runPrefix: string,
    private readonly copyJsonl?: (bytes: Buffer) => void,
  ) {
    const open = (name: string, contentType: string, encode?: () => Gzip): Sink => {
      const source = new PassThrough({ highWaterMark: FLUSH_CHARS });
      const body: Readable = encode ? pipeline(source, encode(), () => undefined) : source;
      const digest = putHashed(store, `${runPrefix}${name}`, body, contentType);
      // Awaited in commit() or abort(); until then a failure must not count as unhandled.
      digest.catch(() => undefined);
      return { name, source, digest, pending: '' };
    };
    this.usersJsonl = open(snapshotFiles.usersJsonl, 'application/gzip', () =>
      createGzip({ chunkSize: 256 * 1024 }),
    );
    this.usersCsv = open(snapshotFiles.usersCsv, 'text/csv; charset=utf-8');
    this.membershipsCsv = open(snapshotFiles.membershipsCsv, 'text/csv; charset=utf-8');
    this.usersCsv.pending = csvHeaderLine(usersCsvHeader);
    this.membershipsCsv.pending = csvHeaderLine(membershipsCsvHeader);
  }

  /** Appends one user; resolves when the files can take more. */
  write(user: EncodedUser): Promise<void> | undefined {
    this.users += 1;
    this.usersJsonl.pending += `${user.jsonl}\n`;
    this.usersCsv.pending += user.csv;
    let rows = '';
    for (const group of user.groups) {
      rows += csvLine([user.key, group]);
      this.membersByGroup.set(group, (this.membersByGroup.get(group) ?? 0) + 1);
    }
    this.memberships += user.groups.length;
    this.membershipsCsv.pending += rows;
    const waits: Promise<unknown>[] = [];
    for (const sink of this.sinks()) {
      if (sink.pending.length < FLUSH_CHARS) continue;
      const bytes = Buffer.from(sink.pending, 'utf8');
      if (sink === this.usersJsonl) this.copyJsonl?.(bytes);
      const more = sink.source.write(bytes);
      sink.pending = '';
      if (!more) waits.push(drained(sink));
    }
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  /** users.jsonl text not yet handed on (nor copied). */
  unflushedJsonl(): string {
    return this.usersJsonl.pending;
  }

  /** What was written so far: users, memberships, and members per group key. */
  counts() {
    return { users: this.users, memberships: this.memberships, membersByGroup: this.membersByGroup };
  }

  /** Ends the three files and waits for the store to hold them. */
  async commit(): Promise<WrittenFile[]> {
    for (const sink of this.sinks()) {
      sink.source.end(sink.pending);
      sink.pending = '';
    }
    const [jsonl, csv, memberships] = await Promise.all(this.sinks().map((sink) => sink.digest));
    return [
      { name: this.usersJsonl.name, records: this.users, ...(jsonl as StoredDigest) },
      { name: this.usersCsv.name, records: this.users, ...(csv as StoredDigest) },
      { name: this.membershipsCsv.name, records: this.memberships, ...(memberships as StoredDigest) },
    ];
  }

  /** Stops the writes; the store keeps none of them. Safe to call more than once. */
  async abort(): Promise<void> {
    if (!this.aborted) {
      this.aborted = true;
      for (const sink of this.sinks()) sink.source.destroy(new Error('snapshot file aborted'));
    }
    await Promise.allSettled(this.sinks().map((sink) => sink.digest));
  }

  private sinks(): Sink[] {
    return [this.usersJsonl, this.usersCsv, this.membershipsCsv];
  }
}

/** Resolves when the stream wants more, or when it has failed (the digest reports why). */
function drained(sink: Sink): Promise<unknown> {
  return Promise.race([
    once(sink.source, 'drain').catch(() => undefined),
    sink.digest.catch(() => undefined),
  ]);
}
