import { pipeline, Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

/** Lines are handed to gzip in batches of about this many characters: far fewer stream calls than one per record. */
const BATCH_CHARS = 64 * 1024;
/** Fewer, larger hand-offs from zlib's thread: a 200,000-user file is 100 MB of text. */
const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/** A snapshot record: canonical fields, then the provider's record verbatim. */
export interface SnapshotRecord {
  readonly raw: unknown;
}

/** The top-level `raw` key as every snapshot line spells it, always as the line's last key. */
export const RAW_KEY = ',"raw":';

/**
 * One snapshot line: the record's JSON with `raw` moved last, so a reader that needs only the
 * canonical fields can cut the line at `RAW_KEY` before parsing (see `parseWithoutRaw`).
 */
export function snapshotLine(record: SnapshotRecord): string {
  const { raw, ...fields } = record;
  const head = JSON.stringify(fields);
  if (raw === undefined) return head;
  return `${head.slice(0, -1)}${head === '{}' ? RAW_KEY.slice(1) : RAW_KEY}${JSON.stringify(raw)}}`;
}

/**
 * The canonical fields of a snapshot line, without parsing `raw` (half of a line, often more).
 * Inside a JSON string every quote is escaped, so the first `,"raw":` is the top-level key, and
 * `snapshotLine` writes it last. A line without it is parsed whole.
 */
export function parseWithoutRaw(line: string): unknown {
  const cut = line.indexOf(RAW_KEY);
  if (cut === -1) {
    const { raw: _raw, ...fields } = JSON.parse(line) as Record<string, unknown>;
    return fields;
  }
  return JSON.parse(`${line.slice(0, cut)}}`);
}

/** Gzipped JSON Lines: one `snapshotLine(record)` per line, `\n` after each, read lazily from `records`. */
export function gzipJsonLines(records: Iterable<SnapshotRecord>): Readable {
  return pipeline(Readable.from(batchedLines(records), { objectMode: false }), createGzip(), () => undefined);
}

function* batchedLines(records: Iterable<SnapshotRecord>): Generator<string> {
  let batch = '';
  for (const record of records) {
    batch += `${snapshotLine(record)}\n`;
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

/** The text of a gzipped stream, decompressed in large chunks; errors surface on iteration. */
export function gunzipText(gzipped: Readable): AsyncIterable<string> {
  return pipeline(gzipped, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), () => undefined).setEncoding(
    'utf8',
  ) as AsyncIterable<string>;
}

/**
 * The parsed values of a gzipped JSON Lines stream, one per non-empty line, with 1-based line
 * numbers for error messages. Splits on `\n` only: JSON escapes every other line terminator.
 */
export async function* parseGzipJsonLines(
  gzipped: Readable,
  parse: (line: string) => unknown = JSON.parse,
): AsyncGenerator<{ line: number; value: unknown }> {
  const text = gunzipText(gzipped);
  let pending = '';
  let line = 0;
  for await (const chunk of text) {
    pending += chunk;
    let start = 0;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n', start)) {
      line++;
      const content = pending.slice(start, newline);
      start = newline + 1;
      if (content !== '') yield { line, value: parseLine(content, line, parse) };
    }
    pending = pending.slice(start);
  }
  if (pending !== '') {
    line++;
    yield { line, value: parseLine(pending, line, parse) };
  }
}

function parseLine(content: string, line: number, parse: (line: string) => unknown): unknown {
  try {
    return parse(content);
  } catch (cause) {
    throw new SyntaxError(`line ${line} is not JSON`, { cause });
  }
}
