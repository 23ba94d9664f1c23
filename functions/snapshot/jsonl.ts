import { pipeline, Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

/** Lines are handed to gzip in batches of about this many characters: far fewer stream calls than one per record. */
const BATCH_CHARS = 64 * 1024;

/** Gzipped JSON Lines: one `JSON.stringify(record)` per line, `\n` after each, read lazily from `records`. */
export function gzipJsonLines(records: Iterable<unknown>): Readable {
  return pipeline(Readable.from(batchedLines(records), { objectMode: false }), createGzip(), () => undefined);
}

function* batchedLines(records: Iterable<unknown>): Generator<string> {
  let batch = '';
  for (const record of records) {
    batch += `${JSON.stringify(record)}\n`;
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

/**
 * The parsed values of a gzipped JSON Lines stream, one per non-empty line, with 1-based line
 * numbers for error messages. Splits on `\n` only: JSON escapes every other line terminator.
 */
export async function* parseGzipJsonLines(
  gzipped: Readable,
): AsyncGenerator<{ line: number; value: unknown }> {
  const text = pipeline(gzipped, createGunzip(), () => undefined).setEncoding('utf8');
  let pending = '';
  let line = 0;
  for await (const chunk of text as AsyncIterable<string>) {
    pending += chunk;
    let start = 0;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n', start)) {
      line++;
      const content = pending.slice(start, newline);
      start = newline + 1;
      if (content !== '') yield { line, value: parseLine(content, line) };
    }
    pending = pending.slice(start);
  }
  if (pending !== '') {
    line++;
    yield { line, value: parseLine(pending, line) };
  }
}

function parseLine(content: string, line: number): unknown {
  try {
    return JSON.parse(content);
  } catch (cause) {
    throw new SyntaxError(`line ${line} is not JSON`, { cause });
  }
}
