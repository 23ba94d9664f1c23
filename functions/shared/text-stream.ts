import { Readable } from 'node:stream';

/** Pieces are handed on in chunks of about this many characters: far fewer stream calls than one per piece. */
const CHUNK_CHARS = 64 * 1024;

/**
 * A byte stream (UTF-8) of the pieces, in order, produced as the reader asks for them: a large
 * report or CSV file is written out without ever being held whole.
 */
export function textStream(pieces: Iterable<string>): Readable {
  return Readable.from(chunked(pieces), { objectMode: false });
}

function* chunked(pieces: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
