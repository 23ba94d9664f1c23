import type { z } from 'zod';

/**
 * `Expected ':' after property name at line 3, column 7`: where JSON.parse stopped, counted the
 * way an editor counts (Node.js names only the character offset on some versions).
 */
export function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = /at position (\d+)/.exec(message)?.[1];
  const problem = message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '')
    .replace(/\s*at position \d+/, '');
  if (offset === undefined) {
    // "Unexpected end of JSON input": the file stops before its last bracket closes.
    return /end of JSON input/i.test(message) ? `${problem} at the end of the file` : problem;
  }
  const before = text.slice(0, Number(offset));
  const line = before.split('\n').length;
  const column = Number(offset) - before.lastIndexOf('\n');
  return `${problem} at line ${line}, column ${column}`;
}

/** The keys a strict object of the schema accepts at `path`, to suggest the one a typo meant. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: Definition | undefined = unwrap(definitionOf(schema));
  for (const part of path) {
    if (node === undefined) return [];
    if (node.type === 'array' && typeof part === 'number') node = unwrap(definitionOf(node.element));
    else if (node.type === 'object' && typeof part === 'string')
      node = unwrap(definitionOf(node.shape?.[part]));
    else return [];
  }
  return node?.type === 'object' ? Object.keys(node.shape ?? {}) : [];
}

/** `did you mean "baseUrl"?` when one known key is a small typo away from `key`. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance))
      best = { key: candidate, distance };
  }
  return best?.key;
}

/** Levenshtein distance, with a transposition of two neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The parts of zod's internal definition a walk through objects and arrays needs. */
interface Definition {
  readonly type: string;
  readonly shape?: Record<string, unknown>;
  readonly element?: unknown;
  readonly innerType?: unknown;
  readonly in?: unknown;
}

function definitionOf(schema: unknown): Definition | undefined {
  return (schema as { _zod?: { def?: Definition } } | undefined)?._zod?.def;
}

/** Looks through optional, default, prefault, nullable and pipe wrappers to the schema inside. */
function unwrap(definition: Definition | undefined): Definition | undefined {
  let node = definition;
  for (let depth = 0; node !== undefined && depth < 8; depth++) {
    const inner = node.innerType ?? (node.type === 'pipe' ? node.in : undefined);
    if (inner === undefined) return node;
    node = definitionOf(inner);
  }
  return node;
}
