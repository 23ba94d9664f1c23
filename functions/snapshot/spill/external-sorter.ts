import { rm } from 'node:fs/promises';
import type { KeySorter } from '../../shared/export-model.ts';
import { compareKeys } from '../../shared/model.ts';
import { type ArenaSlot, RecordArena } from './record-arena.ts';
import { RunReader, type SpillRecord, writeRun } from './run-file.ts';
import type { SpillSpace } from './spill-directory.ts';

/**
 * A record waiting in memory: its key for sorting, and where its fields sit in the arena, already
 * encoded as the run file will hold them — bytes, not the strings that made them: a string built
 * by concatenation is a tree of pieces in V8 and can cost several times its length.
 */
interface Buffered {
  readonly key: string;
  readonly slot: ArenaSlot;
}

/** What a buffered record costs beyond its bytes: the object, its slot, the key's header. */
const RECORD_OVERHEAD_BYTES = 96;
/** Records handed to the consumer per batch: one await per batch, not per record. */
const BATCH_RECORDS = 1024;

/**
 * An external merge sort of records whose first field is the key. Records are kept in memory up
 * to a byte budget, then sorted and written to the spill space as a run; `batches()` merges the
 * runs (a k-way merge over a binary heap) and yields every record in key order. Records with
 * the same key come out in the order they were added, so a consumer that keeps the last of each
 * key keeps the latest arrival.
 */
export class ExternalSorter {
  private buffer: Buffered[] = [];
  private readonly arena = new RecordArena();
  private bufferedBytes = 0;
  private readonly runs: string[] = [];
  private disposed = false;

  constructor(
    private readonly space: SpillSpace,
    private readonly kind: string,
    private readonly fields: number,
    private readonly budgetBytes: number,
  ) {}

  /** Runs written to disk so far: what tests see of the spill. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** Adds one record; spills the buffer as a sorted run when it has used its budget. */
  async add(record: SpillRecord): Promise<void> {
    const key = record[0] as string;
    const slot = this.arena.write(record);
    this.buffer.push({ key, slot });
    this.bufferedBytes += RECORD_OVERHEAD_BYTES + key.length + (slot.end - slot.start);
    if (this.bufferedBytes >= this.budgetBytes) await this.spill();
  }

  /** Every record in key order, equal keys in arrival order, in batches. Once. */
  async *batches(): AsyncGenerator<SpillRecord[]> {
    const cursors: Cursor[] = [];
    try {
      // Once anything is on disk, the rest goes there too: the merge then holds a small buffer per
      // run instead of a whole budget's worth of records beside them.
      if (this.runs.length > 0 && this.buffer.length > 0) await this.spill();
      for (const [index, path] of this.runs.entries()) {
        const reader = await RunReader.open(path, this.fields);
        cursors.push({
          index,
          current: reader.current,
          advance: () => advanceReader(reader, cursors[index]),
        });
      }
      // Only when nothing was spilled: the arena then stays as it is until the merge has read it.
      const memory = sortedBuffer(this.buffer);
      this.buffer = [];
      this.bufferedBytes = 0;
      let position = 0;
      const decoded = (entry: Buffered | undefined) =>
        entry && decodeRecord(this.arena.slice(entry.slot), this.fields);
      const inMemory: Cursor = {
        index: this.runs.length,
        current: decoded(memory[0]),
        advance: () => {
          inMemory.current = decoded(memory[++position]);
          return undefined;
        },
      };
      cursors.push(inMemory);
      yield* mergeCursors(cursors.filter((cursor) => cursor.current !== undefined));
    } finally {
      await this.dispose();
    }
  }

  /** Forgets every record: buffer and runs. */
  async clear(): Promise<void> {
    this.buffer = [];
    this.arena.reset();
    this.bufferedBytes = 0;
    const runs = this.runs.splice(0);
    await Promise.all(runs.map((path) => rm(path, { force: true })));
  }

  /** Removes the runs without reading them. Safe to call more than once. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.clear();
  }

  private async spill(): Promise<void> {
    const sorted = sortedBuffer(this.buffer);
    this.buffer = [];
    this.bufferedBytes = 0;
    const path = this.space.nextFile(this.kind);
    this.runs.push(path);
    await writeRun(
      path,
      sorted.map((entry) => this.arena.slice(entry.slot)),
    );
    this.arena.reset();
  }
}

interface Cursor {
  readonly index: number;
  current: SpillRecord | undefined;
  advance(): Promise<void> | undefined;
}

function advanceReader(reader: RunReader, cursor: Cursor | undefined): Promise<void> | undefined {
  const pending = reader.advance();
  if (pending === undefined) {
    if (cursor) cursor.current = reader.current;
    return undefined;
  }
  return pending.then(() => {
    if (cursor) cursor.current = reader.current;
  });
}

/** Array.prototype.sort is stable: equal keys keep their arrival order. */
function sortedBuffer(records: Buffered[]): Buffered[] {
  return records.sort((a, b) => compareKeys(a.key, b.key));
}

function decodeRecord(bytes: Buffer, fields: number): SpillRecord {
  const record: string[] = [];
  let at = 0;
  for (let field = 0; field < fields; field++) {
    const length = bytes.readUInt32LE(at);
    record.push(bytes.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  return record;
}

function before(a: Cursor, b: Cursor): boolean {
  const order = compareKeys(a.current?.[0] as string, b.current?.[0] as string);
  return order < 0 || (order === 0 && a.index < b.index);
}

/** The k-way merge: a binary min-heap of cursors ordered by their current record. */
async function* mergeCursors(cursors: Cursor[]): AsyncGenerator<SpillRecord[]> {
  const heap = cursors;
  const siftDown = (from: number): void => {
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let least = at;
      if (left < heap.length && before(heap[left] as Cursor, heap[least] as Cursor)) least = left;
      if (right < heap.length && before(heap[right] as Cursor, heap[least] as Cursor)) least = right;
      if (least === at) return;
      [heap[at], heap[least]] = [heap[least] as Cursor, heap[at] as Cursor];
      at = least;
    }
  };
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftDown(i);
  let batch: SpillRecord[] = [];
  while (heap.length > 0) {
    const top = heap[0] as Cursor;
    batch.push(top.current as SpillRecord);
    const pending = top.advance();
    if (pending !== undefined) await pending;
    if (top.current === undefined) {
      const last = heap.pop() as Cursor;
      if (heap.length > 0) heap[0] = last;
    }
    if (heap.length > 0) siftDown(0);
    if (batch.length >= BATCH_RECORDS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** `KeySorter` over the same machinery: one field, each key once. */
export class ExternalKeySorter implements KeySorter {
  private readonly sorter: ExternalSorter;

  constructor(space: SpillSpace, budgetBytes: number) {
    this.sorter = new ExternalSorter(space, 'keys', 1, budgetBytes);
  }

  add(key: string): Promise<void> {
    return this.sorter.add([key]);
  }

  async *sorted(): AsyncGenerator<string> {
    let previous: string | undefined;
    for await (const batch of this.sorter.batches()) {
      for (const [key] of batch) {
        if (key !== previous) yield key as string;
        previous = key;
      }
    }
  }

  dispose(): Promise<void> {
    return this.sorter.dispose();
  }
}
