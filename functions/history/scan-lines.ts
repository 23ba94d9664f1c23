import type { Readable } from 'node:stream';
import { gunzipText } from '../snapshot/jsonl.ts';

export interface ScannedLine {
  /** 1-based, for error messages. */
  readonly line: number;
  readonly text: string;
}

/**
 * The lines of a gzipped JSON Lines stream that contain `needle` (every non-empty line when it is
 * undefined). The search runs over whole decompressed chunks, so the lines that do not match are
 * never cut out, parsed or handed over one by one: finding one user in a 200,000-user snapshot
 * costs little more than decompressing it. With `caseInsensitive`, `needle` must be lower case
 * and the text is compared in lower case (a chunk whose lower case changes its length, which only
 * a few non-Latin letters do, is searched line by line instead).
 */
export async function* scanLines(
  gzipped: Readable,
  needle: string | undefined,
  options: { readonly caseInsensitive: boolean },
): AsyncGenerator<ScannedLine> {
  const text = gunzipText(gzipped);
  let pending = '';
  let linesBefore = 0;
  for await (const chunk of text) {
    const block = pending + chunk;
    const end = block.lastIndexOf('\n');
    if (end === -1) {
      pending = block;
      continue;
    }
    pending = block.slice(end + 1);
    const found: ScannedLine[] = [];
    linesBefore = scanBlock(block.slice(0, end + 1), linesBefore, needle, options.caseInsensitive, found);
    yield* found;
  }
  if (pending !== '') {
    const found: ScannedLine[] = [];
    scanBlock(`${pending}\n`, linesBefore, needle, options.caseInsensitive, found);
    yield* found;
  }
}

/**
 * Pushes the matching lines of `block` (whole lines, each ending in `\n`) onto `found` and returns
 * the number of lines read so far.
 */
function scanBlock(
  block: string,
  linesBefore: number,
  needle: string | undefined,
  caseInsensitive: boolean,
  found: ScannedLine[],
): number {
  const haystack = needle !== undefined && caseInsensitive ? block.toLowerCase() : block;
  if (needle === undefined || haystack.length !== block.length) {
    let line = linesBefore;
    for (
      let start = 0, stop = block.indexOf('\n');
      stop !== -1;
      start = stop + 1, stop = block.indexOf('\n', start)
    ) {
      line++;
      const text = block.slice(start, stop);
      if (text === '') continue;
      if (needle === undefined || (caseInsensitive ? text.toLowerCase() : text).includes(needle))
        found.push({ line, text });
    }
    return line;
  }
  let line = linesBefore;
  let counted = 0;
  const countTo = (position: number) => {
    for (
      let next = block.indexOf('\n', counted);
      next !== -1 && next < position;
      next = block.indexOf('\n', counted)
    ) {
      line++;
      counted = next + 1;
    }
  };
  for (let at = haystack.indexOf(needle); at !== -1; ) {
    const start = block.lastIndexOf('\n', at) + 1;
    const stop = block.indexOf('\n', at);
    countTo(start);
    found.push({ line: line + 1, text: block.slice(start, stop) });
    at = haystack.indexOf(needle, stop + 1);
  }
  countTo(block.length);
  return line;
}
