/**
 * The small part of Trivore's SCIM-like `filter` the emulator understands: comparisons
 * `<attribute> eq|ne|co|sw|ew "<value>"` (or `true`/`false`), and `<attribute> pr`, joined by `and`.
 * Attribute names are case-sensitive; `eq` against an array attribute (`memberOf`) tests
 * membership. Anything else is refused with a message, as the real API refuses what it cannot search.
 */

type Value = string | boolean | readonly string[] | undefined;
export type Attributes<T> = Readonly<Record<string, (record: T) => Value>>;
export type Filter<T> = (record: T) => boolean;

const comparison =
  /^\s*([A-Za-z][A-Za-z0-9.]*)\s+(?:(pr)\b|(eq|ne|co|sw|ew)\s+(?:"((?:[^"\\]|\\.)*)"|(true|false)\b))\s*/;

function test(operator: string, actual: Value, expected: string | boolean): boolean {
  if (Array.isArray(actual)) {
    const any = actual.some((item) => test(operator, item, expected));
    return operator === 'ne' ? actual.every((item) => test('ne', item, expected)) : any;
  }
  if (operator === 'eq') return actual === expected;
  if (operator === 'ne') return actual !== expected;
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  if (operator === 'co') return actual.includes(expected);
  if (operator === 'sw') return actual.startsWith(expected);
  return actual.endsWith(expected);
}

/** The filter, or a message saying why it cannot be used. */
export function parseFilter<T>(text: string, attributes: Attributes<T>): Filter<T> | string {
  const clauses: Filter<T>[] = [];
  let rest = text;
  for (;;) {
    const match = comparison.exec(rest);
    if (!match) return `Invalid filter: cannot parse "${rest.trim()}"`;
    const [whole, name = '', present, operator = 'pr', quoted, literal] = match;
    const read = attributes[name];
    if (read === undefined) return `Invalid filter: attribute "${name}" is not searchable`;
    if (present) {
      clauses.push((record) => {
        const value = read(record);
        return value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);
      });
    } else {
      const expected = literal === undefined ? (quoted ?? '').replace(/\\(.)/g, '$1') : literal === 'true';
      clauses.push((record) => test(operator, read(record), expected));
    }
    rest = rest.slice(whole.length);
    if (rest === '') break;
    const and = /^and\s+/.exec(rest);
    if (!and) return `Invalid filter: only "and" can join comparisons, got "${rest.trim()}"`;
    rest = rest.slice(and[0].length);
  }
  return (record) => clauses.every((clause) => clause(record));
}
