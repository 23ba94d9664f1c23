import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** Each spill file encodes its text into a buffer of this many bytes, written out when full. */
const BUFFER_BYTES = 512 * 1024;
/** The most UTF-8 bytes one UTF-16 code unit becomes (a surrogate pair's four bytes are two units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * A private temporary folder for the parts of a report that come out in a different order than
 * they are written (findings grouped by rule, changes grouped by kind): each part goes to its own
 * file while the snapshots are walked, and the report files are their concatenation. The folder
 * holds nothing the reports do not, and `remove` is called on every path.
 */
export class SpillDir {
  private readonly files: SpillFile[] = [];
  private constructor(private readonly path: string) {}

  /** A fresh folder under `parent` (default: the system's temporary folder). */
  static async create(parent: string = tmpdir()): Promise<SpillDir> {
    return new SpillDir(await mkdtemp(join(parent, 'rollcall-audit-')));
  }

  file(): SpillFile {
    const file = new SpillFile(join(this.path, `part-${this.files.length}`));
    this.files.push(file);
    return file;
  }

  async remove(): Promise<void> {
    for (const file of this.files) file.close();
    await rm(this.path, { recursive: true, force: true });
  }
}

/**
 * An append-only text file, written synchronously in large pieces: the walk produces a few
 * hundred bytes per user and must not wait on a promise for each. Each piece is encoded straight
 * into one reused buffer: joining the pieces into a string first cost more than the writes.
 */
export class SpillFile {
  private fd: number | undefined;
  private buffer: Buffer | undefined;
  private used = 0;
  /** Whether anything was written. */
  written = false;

  constructor(readonly path: string) {}

  write(text: string): void {
    this.written = true;
    const most = text.length * MAX_BYTES_PER_UNIT;
    this.buffer ??= Buffer.allocUnsafe(BUFFER_BYTES);
    if (this.used + most > this.buffer.length) {
      this.flush();
      if (most > this.buffer.length) {
        writeSync(this.open(), text);
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  /** Everything written so far, from byte `start`: call once the walk is over. */
  read(start = 0): Readable {
    this.flush();
    if (!this.written) return Readable.from([]);
    return createReadStream(this.path, { start, highWaterMark: 1024 * 1024 });
  }

  close(): void {
    this.buffer = undefined;
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    this.fd ??= openSync(this.path, 'a');
    return this.fd;
  }

  private flush(): void {
    if (this.buffer === undefined || this.used === 0) return;
    const fd = this.open();
    for (let done = 0; done < this.used; ) done += writeSync(fd, this.buffer, done, this.used - done);
    this.used = 0;
  }
}

/** A part of a report file: literal text, or a spill file (optionally without its first bytes). */
export type BodyPart = string | { readonly file: SpillFile; readonly skip?: number };

/** The parts one after the other, as one byte stream for `ObjectStore.put`. */
export function concatBody(parts: readonly BodyPart[]): Readable {
  return Readable.from(concatenated(parts), { objectMode: false });
}

async function* concatenated(parts: readonly BodyPart[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    if (typeof part === 'string') {
      if (part !== '') yield Buffer.from(part, 'utf8');
      continue;
    }
    yield* part.file.read(part.skip ?? 0) as AsyncIterable<Buffer>;
  }
}
