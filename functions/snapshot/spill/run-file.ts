import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { spillError } from './spill-directory.ts';

/**
 * A sorted run on local disk: records of a fixed number of text fields, each written as a 32-bit
 * little-endian byte length and its UTF-8 bytes. Binary framing, not lines: a field may hold any
 * character (a CSV row may hold a new line), and reading back needs no parsing or unescaping.
 */
export type SpillRecord = readonly string[];

/** A writer's buffer: one per sorter, so it may be large. */
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * A reader's buffer. A merge holds one per run (a million-user site makes a few dozen runs), so it
 * stays small; a record larger than it grows it.
 */
const READ_CHUNK_BYTES = 256 * 1024;

/** Appends records to a run file in large writes. */
export class RunWriter {
  private buffer = Buffer.allocUnsafe(WRITE_CHUNK_BYTES);
  private used = 0;
  /** Bytes handed to the file so far, this chunk included. */
  bytes = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<RunWriter> {
    try {
      return new RunWriter(path, await open(path, 'wx'));
    } catch (cause) {
      throw spillError(dirname(path), 'create a file', cause);
    }
  }

  /** Buffers one record; writes the buffer out when it is full. */
  async append(record: SpillRecord): Promise<void> {
    let worst = 0;
    for (const field of record) worst += 4 + field.length * 3;
    await this.makeRoom(worst);
    for (const field of record) {
      const length = this.buffer.write(field, this.used + 4, 'utf8');
      this.buffer.writeUInt32LE(length, this.used);
      this.used += 4 + length;
      this.bytes += 4 + length;
    }
  }

  /** Buffers one record already encoded by `encodeRecord`. */
  async appendEncoded(bytes: Buffer): Promise<void> {
    await this.makeRoom(bytes.length);
    bytes.copy(this.buffer, this.used);
    this.used += bytes.length;
    this.bytes += bytes.length;
  }

  private async makeRoom(bytes: number): Promise<void> {
    if (this.used + bytes <= this.buffer.length) return;
    await this.flush();
    if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    try {
      await this.handle.write(this.buffer, 0, this.used);
    } catch (cause) {
      throw spillError(dirname(this.path), 'write', cause);
    } finally {
      this.used = 0;
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  /** Closes without flushing: the file is about to be removed. */
  async discard(): Promise<void> {
    this.used = 0;
    await this.handle.close().catch(() => undefined);
  }
}

/** Writes already sorted, encoded records as one run file. */
export async function writeRun(path: string, records: Iterable<Buffer>): Promise<void> {
  const writer = await RunWriter.create(path);
  try {
    for (const record of records) await writer.appendEncoded(record);
    await writer.close();
  } catch (error) {
    await writer.discard();
    throw error;
  }
}

/** Reads a run file's records in order, in large reads. */
export class RunReader {
  private buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private start = 0;
  private end = 0;
  private exhausted = false;
  /** The record at the head of the run; undefined once the run is read. */
  current: SpillRecord | undefined;

  private constructor(
    readonly path: string,
    private readonly fields: number,
    private readonly handle: FileHandle,
  ) {}

  /** Opens the run and reads its first record. */
  static async open(path: string, fields: number): Promise<RunReader> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (cause) {
      throw spillError(dirname(path), 'read a file', cause);
    }
    const reader = new RunReader(path, fields, handle);
    await reader.advance();
    return reader;
  }

  /** Moves to the next record. Synchronous while the buffer holds it, which is nearly always. */
  advance(): Promise<void> | undefined {
    const record = this.parse();
    if (record !== undefined || this.exhausted) {
      this.current = record;
      if (record === undefined) return this.close();
      return undefined;
    }
    return this.refill().then(() => this.advance());
  }

  async close(): Promise<void> {
    this.exhausted = true;
    this.current = undefined;
    await this.handle.close().catch(() => undefined);
  }

  private parse(): SpillRecord | undefined {
    const record: string[] = [];
    let at = this.start;
    for (let field = 0; field < this.fields; field++) {
      if (at + 4 > this.end) return undefined;
      const length = this.buffer.readUInt32LE(at);
      if (at + 4 + length > this.end) return undefined;
      record.push(this.buffer.toString('utf8', at + 4, at + 4 + length));
      at += 4 + length;
    }
    this.start = at;
    return record;
  }

  private async refill(): Promise<void> {
    const left = this.end - this.start;
    // A record larger than the buffer: grow it, so the record fits whole.
    if (left > this.buffer.length / 2) {
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, this.start, this.end);
      this.buffer = bigger;
    } else {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
    }
    this.start = 0;
    this.end = left;
    let read: number;
    try {
      ({ bytesRead: read } = await this.handle.read(this.buffer, left, this.buffer.length - left, null));
    } catch (cause) {
      throw spillError(dirname(this.path), 'read', cause);
    }
    this.end += read;
    if (read === 0) {
      this.exhausted = true;
      if (this.end !== this.start) {
        throw spillError(dirname(this.path), 'read', new Error(`${this.path} ends inside a record`));
      }
    }
  }
}
