import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** Text is handed to the file system in pieces of about this many characters. */
const FLUSH_CHARS = 256 * 1024;

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
 * hundred bytes per user and must not wait on a promise for each.
 */
export class SpillFile {
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingChars = 0;
  /** Whether anything was written. */
  written = false;

  constructor(readonly path: string) {}

  write(text: string): void {
    this.written = true;
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= FLUSH_CHARS) this.flush();
  }

  /** Everything written so far, from byte `start`: call once the walk is over. */
  read(start = 0): Readable {
    this.flush();
    if (!this.written) return Readable.from([]);
    return createReadStream(this.path, { start, highWaterMark: 1024 * 1024 });
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private flush(): void {
    if (this.pendingChars === 0) return;
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
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
