import { pipeline, type Readable, type TransformOptions } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { parseWithoutRaw, RAW_KEY } from './jsonl.ts';

/** Fewer, larger hand-offs from zlib's thread: a 200,000-user file is 100 MB of text. */
const GUNZIP_CHUNK_BYTES = 1024 * 1024;
/**
 * How far zlib may decompress ahead of the reader. zlib runs on libuv's thread pool, so with a
 * few chunks of slack the snapshots of a walk are decompressed on the other core while this one
 * parses and audits.
 */
const READ_AHEAD_BYTES = 4 * GUNZIP_CHUNK_BYTES;

const NEWLINE = 0x0a;
const CLOSING_BRACE = 0x7d;
const RAW_BYTES = Buffer.from(RAW_KEY, 'latin1');

/**
 * `whole` parses each line; `without-raw` leaves a line's `raw` payload unparsed (see
 * `parseWithoutRaw`); `head-text` parses nothing and hands on the text of the fields before `raw`
 * as a JSON object (see `parseHeadText`), for a reader that may never need them parsed.
 */
export type LineMode = 'whole' | 'without-raw' | 'head-text';

/** The values of one decompressed chunk's complete lines; `firstLine` is the 1-based number of the first. */
export interface LineBatch {
  readonly firstLine: number;
  readonly values: unknown[];
}

/**
 * The parsed values of a gzipped JSON Lines stream, one array per decompressed chunk, with line
 * numbers for error messages. Lines are found in the bytes (a newline byte never occurs inside
 * a UTF-8 sequence, and JSON escapes every other line terminator), and in `without-raw` mode only
 * the text before `,"raw":` is decoded at all: the payload is never turned into a string.
 */
export async function* jsonLineBatches(gzipped: Readable, mode: LineMode): AsyncGenerator<LineBatch> {
  // zlib hands its options on to the Transform it is, though its typings do not say so.
  const options: ZlibOptions & TransformOptions = {
    chunkSize: GUNZIP_CHUNK_BYTES,
    readableHighWaterMark: READ_AHEAD_BYTES,
  };
  const text = pipeline(gzipped, createGunzip(options), () => undefined) as Readable & AsyncIterable<Buffer>;
  let rest: Buffer | undefined;
  let line = 0;
  for await (const chunk of text) {
    const bytes = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
    const firstLine = line + 1;
    const values: unknown[] = [];
    let start = 0;
    let raw = mode === 'whole' ? -1 : bytes.indexOf(RAW_BYTES);
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      line++;
      if (end > start) {
        // One search per chunk, not per line: `raw` only ever moves forward.
        if (raw !== -1 && raw < start) raw = bytes.indexOf(RAW_BYTES, start);
        values.push(parseLine(bytes, start, end, raw, mode, line));
      }
      start = end + 1;
    }
    rest = start < bytes.length ? bytes.subarray(start) : undefined;
    if (values.length > 0) yield { firstLine, values };
  }
  if (rest !== undefined) {
    line++;
    const raw = mode === 'whole' ? -1 : rest.indexOf(RAW_BYTES);
    yield { firstLine: line, values: [parseLine(rest, 0, rest.length, raw, mode, line)] };
  }
}

/** The line `bytes[start, end)`; `raw` is where the next `,"raw":` starts (-1: none left). */
function parseLine(
  bytes: Buffer,
  start: number,
  end: number,
  raw: number,
  mode: LineMode,
  line: number,
): unknown {
  try {
    if (raw === -1 || raw >= end) {
      const text = bytes.toString('utf8', start, end);
      if (mode === 'head-text') return text;
      return mode === 'whole' ? JSON.parse(text) : parseWithoutRaw(text);
    }
    // The chunk is this reader's own copy: closing the object over the comma before `raw` makes
    // the canonical fields a complete JSON object without building a second string.
    bytes[raw] = CLOSING_BRACE;
    const head = bytes.toString('utf8', start, raw + 1);
    return mode === 'head-text' ? head : JSON.parse(head);
  } catch (cause) {
    throw new SyntaxError(`line ${line} is not JSON`, { cause });
  }
}

/** The fields of a `head-text` line: the text is already cut before `raw`, unless `raw` came first. */
export function parseHeadText(text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>;
  return 'raw' in value ? parseWithoutRaw(text) : value;
}
