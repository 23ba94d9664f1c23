import { PassThrough, pipeline, type Readable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import { type CanonicalUser, compareKeys } from '../shared/model.ts';
import type { ObjectStore } from '../store/port.ts';
import {
  csvHeaderLine,
  csvLine,
  membershipsCsvHeader,
  membershipsOfUser,
  userCsvRow,
  usersCsvHeader,
} from './csv.ts';
import { putHashed, type StoredDigest } from './hashed-put.ts';
import { snapshotLine } from './jsonl.ts';
import { snapshotFiles } from './layout.ts';

/** A file whose bytes have all been handed to the store; `digest` settles when the store is done. */
export interface StreamedFile {
  readonly name: string;
  readonly records: number;
  readonly digest: Promise<StoredDigest>;
}

interface Sink {
  readonly name: string;
  readonly source: PassThrough;
  readonly digest: Promise<StoredDigest>;
  /** Text not yet handed to the stream. */
  pending: string;
}

/**
 * Text is handed on in pieces of about this many characters. Every piece costs a trip through
 * gzip's thread pool, the hash and a file or network write; a page's worth (~50 KB) at a time
 * made those trips cost more than the encoding itself.
 */
const FLUSH_CHARS = 256 * 1024;

/**
 * users.jsonl.gz, users.csv and memberships.csv, written while the users listing is still paging,
 * so that encoding, gzip and hashing run while the export waits for the API instead of after it.
 *
 * The files must be sorted by key. They are kept only when the export's final, sorted user list
 * is exactly the sequence streamed — true when the API pages in key order, as Periscope does.
 * Otherwise the writes are aborted (the store keeps no object) and the snapshot writer writes the
 * files from the sorted list: streaming only ever saves time, it never decides the content.
 */
export class StreamedUserFiles {
  private readonly streamed: CanonicalUser[] = [];
  private memberships = 0;
  private inKeyOrder = true;
  private aborted = false;
  private readonly usersJsonl: Sink;
  private readonly usersCsv: Sink;
  private readonly membershipsCsv: Sink;

  constructor(store: ObjectStore, runPrefix: string) {
    const open = (name: string, contentType: string, encode?: () => Gzip): Sink => {
      const source = new PassThrough();
      const body: Readable = encode ? pipeline(source, encode(), () => undefined) : source;
      const digest = putHashed(store, `${runPrefix}${name}`, body, contentType);
      // Awaited in finish() or abort(); until then a failure must not count as unhandled.
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

  /** Encodes a batch of users as it arrives. A user out of key order ends streaming for this run. */
  add(batch: readonly CanonicalUser[]): void {
    if (!this.inKeyOrder || this.aborted) return;
    let jsonl = '';
    let usersCsv = '';
    let membershipsCsv = '';
    for (const user of batch) {
      const previous = this.streamed.at(-1);
      if (previous !== undefined && compareKeys(user.key, previous.key) <= 0) {
        this.inKeyOrder = false;
        void this.abort();
        return;
      }
      this.streamed.push(user);
      jsonl += `${snapshotLine(user)}\n`;
      usersCsv += csvLine(userCsvRow(user));
      for (const membership of membershipsOfUser(user)) {
        membershipsCsv += csvLine(membership);
        this.memberships += 1;
      }
    }
    append(this.usersJsonl, jsonl);
    append(this.usersCsv, usersCsv);
    append(this.membershipsCsv, membershipsCsv);
  }

  /**
   * Ends the three files when `sortedUsers` is exactly what was streamed, and returns them;
   * otherwise aborts them and returns undefined.
   */
  async finish(sortedUsers: readonly CanonicalUser[]): Promise<StreamedFile[] | undefined> {
    const same =
      this.inKeyOrder &&
      !this.aborted &&
      sortedUsers.length === this.streamed.length &&
      sortedUsers.every((user, index) => user === this.streamed[index]);
    if (!same) {
      await this.abort();
      return undefined;
    }
    for (const sink of [this.usersJsonl, this.usersCsv, this.membershipsCsv]) {
      sink.source.end(sink.pending);
      sink.pending = '';
    }
    return [
      { name: this.usersJsonl.name, records: this.streamed.length, digest: this.usersJsonl.digest },
      { name: this.usersCsv.name, records: this.streamed.length, digest: this.usersCsv.digest },
      { name: this.membershipsCsv.name, records: this.memberships, digest: this.membershipsCsv.digest },
    ];
  }

  /** Stops the writes; the store keeps none of them. Safe to call more than once. */
  async abort(): Promise<void> {
    const sinks = [this.usersJsonl, this.usersCsv, this.membershipsCsv];
    if (!this.aborted) {
      this.aborted = true;
      for (const sink of sinks) sink.source.destroy(new Error('streamed snapshot file aborted'));
    }
    await Promise.allSettled(sinks.map((sink) => sink.digest));
  }
}

function append(sink: Sink, text: string): void {
  sink.pending += text;
  if (sink.pending.length >= FLUSH_CHARS) {
    sink.source.write(sink.pending);
    sink.pending = '';
  }
}
