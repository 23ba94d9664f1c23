import type { SpillRecord } from './run-file.ts';

/** Where one encoded record sits in the arena. */
export interface ArenaSlot {
  readonly chunk: number;
  readonly start: number;
  readonly end: number;
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * The bytes of the records a sorter holds in memory, encoded as a run file holds them, in a few
 * large buffers that are reused after every spill. One small buffer per record would be external
 * memory that only a full garbage collection frees: after each spill a whole budget of it would
 * wait for one, and the process would hold twice its budget.
 */
export class RecordArena {
  private readonly chunks: Buffer[] = [];
  private chunk = 0;
  private used = 0;
  /** Bytes of records written since the last `reset`. */
  bytes = 0;

  /** Encodes a record's fields, each as a 32-bit little-endian length and its UTF-8 bytes. */
  write(record: SpillRecord): ArenaSlot {
    let worst = 0;
    for (const field of record) worst += 4 + field.length * 3;
    let buffer = this.chunks[this.chunk];
    if (buffer === undefined || this.used + worst > buffer.length) {
      buffer = this.nextChunk(worst);
    }
    const start = this.used;
    let at = start;
    for (const field of record) {
      const length = buffer.write(field, at + 4, 'utf8');
      buffer.writeUInt32LE(length, at);
      at += 4 + length;
    }
    this.used = at;
    this.bytes += at - start;
    return { chunk: this.chunk, start, end: at };
  }

  slice(slot: ArenaSlot): Buffer {
    return (this.chunks[slot.chunk] as Buffer).subarray(slot.start, slot.end);
  }

  /** Forgets every record; the buffers are kept for the next ones. */
  reset(): void {
    this.chunk = 0;
    this.used = 0;
    this.bytes = 0;
    // A record larger than a chunk got a buffer of its own: not worth keeping.
    for (let i = this.chunks.length - 1; i >= 0 && (this.chunks[i] as Buffer).length !== CHUNK_BYTES; i--) {
      this.chunks.pop();
    }
  }

  private nextChunk(needed: number): Buffer {
    if (this.chunks[this.chunk] !== undefined) this.chunk += 1;
    this.used = 0;
    let buffer = this.chunks[this.chunk];
    if (buffer === undefined || buffer.length < needed) {
      buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, needed));
      this.chunks[this.chunk] = buffer;
    }
    return buffer;
  }
}
