/**
 * What JSON.parse hides in a body: bytes that were not UTF-8 (decoded to U+FFFD) and a key given
 * twice in one object (the last value wins). Both are counted per record — an object that is an
 * element of an array, the way every listing page holds its records — and the record is kept as
 * parsed. Cheap on the common path: a native UTF-8 check only when a U+FFFD is in the text, and
 * a count of key markers against the parsed keys, with a real scan only when they disagree.
 */
export interface BodyAnomalies {
  readonly invalidUtf8Records: number;
  readonly duplicateKeyRecords: number;
}

export const noAnomalies: BodyAnomalies = { invalidUtf8Records: 0, duplicateKeyRecords: 0 };

export function bodyAnomalies(text: string, parsed: unknown, invalidUtf8: boolean): BodyAnomalies {
  const duplicateKeyRecords = keyMarkers(text) > parsedKeys(parsed) ? recordsWithDuplicateKeys(text) : 0;
  const invalidUtf8Records = invalidUtf8 ? recordsHolding(parsed, '\uFFFD') : 0;
  if (duplicateKeyRecords === 0 && invalidUtf8Records === 0) return noAnomalies;
  return { invalidUtf8Records, duplicateKeyRecords };
}

/**
 * `":` outside strings ends a key. Inside a string a quote is always escaped (`\":`), so counting
 * unescaped `":` counts keys, or a few too many (a key that ends in a backslash): enough to decide
 * whether the exact scan is needed.
 */
function keyMarkers(text: string): number {
  let markers = 0;
  for (let at = text.indexOf('":'); at !== -1; at = text.indexOf('":', at + 2)) {
    if (text.charCodeAt(at - 1) !== 92 /* \ */) markers += 1;
  }
  return markers;
}

function parsedKeys(value: unknown): number {
  if (Array.isArray(value)) {
    let keys = 0;
    for (const item of value) if (typeof item === 'object' && item !== null) keys += parsedKeys(item);
    return keys;
  }
  if (typeof value !== 'object' || value === null) return 0;
  let keys = 0;
  for (const key in value) {
    keys += 1;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) keys += parsedKeys(item);
  }
  return keys;
}

/** Records (objects in an array, outermost) with a key or string that holds `needle`. */
function recordsHolding(value: unknown, needle: string): number {
  if (typeof value !== 'object' || value === null) return 0;
  let records = 0;
  for (const item of Object.values(value)) {
    if (Array.isArray(value) && typeof item === 'object' && item !== null)
      records += holds(item, needle) ? 1 : 0;
    else records += recordsHolding(item, needle);
  }
  return records;
}

function holds(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.includes(needle);
  if (typeof value !== 'object' || value === null) return false;
  for (const [key, item] of Object.entries(value))
    if (key.includes(needle) || holds(item, needle)) return true;
  return false;
}

/**
 * The exact scan, for a body whose key markers outnumber its parsed keys: walks the JSON text,
 * keeps the keys of each open object, and counts the records (outermost objects in an array)
 * in which some object repeats a key. Assumes text JSON.parse accepted.
 */
function recordsWithDuplicateKeys(text: string): number {
  interface Open {
    readonly keys: Set<string> | undefined; // undefined for an array
    readonly isRecord: boolean;
  }
  const stack: Open[] = [];
  let records = 0;
  let recordHasDuplicate = false;
  let at = 0;
  const readString = (): string => {
    const end = stringEnd(text, at);
    const raw = text.slice(at, end + 1);
    at = end + 1;
    return JSON.parse(raw) as string;
  };
  while (at < text.length) {
    const char = text[at];
    if (char === '"') {
      const value = readString();
      let next = at;
      while (next < text.length && /\s/.test(text[next] as string)) next += 1;
      const top = stack[stack.length - 1];
      if (text[next] === ':' && top?.keys !== undefined) {
        if (top.keys.has(value)) recordHasDuplicate = true;
        top.keys.add(value);
      }
      continue;
    }
    if (char === '{' || char === '[') {
      const parent = stack[stack.length - 1];
      const inRecord = stack.some((open) => open.isRecord);
      const isRecord = char === '{' && parent !== undefined && parent.keys === undefined && !inRecord;
      if (isRecord) recordHasDuplicate = false;
      stack.push({ keys: char === '{' ? new Set() : undefined, isRecord });
    } else if (char === '}' || char === ']') {
      const closed = stack.pop();
      if (closed?.isRecord && recordHasDuplicate) records += 1;
    }
    at += 1;
  }
  return records;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  while (at < text.length) {
    const char = text.charCodeAt(at);
    if (char === 92 /* \ */) at += 2;
    else if (char === 34 /* " */) return at;
    else at += 1;
  }
  return text.length - 1;
}
