/**
 * Google APIs' partial responses (`fields=items(id,uid),cursor,more`): the LumApps v1 API runs on
 * Cloud Endpoints, which honours them on every method. Grammar: a comma-separated list of field
 * paths; `a/b` selects inside `a`, `a(b,c)` selects several fields inside `a`. Arrays apply the
 * selection to each element.
 */

export type Selection = ReadonlyMap<string, Selection | true>;

/** The selection, or undefined when the expression is not valid. */
export function parseFields(expression: string): Selection | undefined {
  let at = 0;
  const name = (): string | undefined => {
    const match = /^[A-Za-z_$][\w$]*/.exec(expression.slice(at));
    if (!match) return undefined;
    at += match[0].length;
    return match[0];
  };
  const list = (): Map<string, Selection | true> | undefined => {
    const fields = new Map<string, Selection | true>();
    for (;;) {
      const selected = path();
      if (!selected) return undefined;
      merge(fields, selected[0], selected[1]);
      if (expression[at] !== ',') return fields;
      at += 1;
    }
  };
  const path = (): [string, Selection | true] | undefined => {
    const field = name();
    if (field === undefined) return undefined;
    if (expression[at] === '/') {
      at += 1;
      const inner = path();
      return inner && [field, new Map([inner])];
    }
    if (expression[at] === '(') {
      at += 1;
      const inner = list();
      if (!inner || expression[at] !== ')') return undefined;
      at += 1;
      return [field, inner];
    }
    return [field, true];
  };
  const result = list();
  return result && at === expression.length ? result : undefined;
}

function merge(into: Map<string, Selection | true>, field: string, selection: Selection | true): void {
  const existing = into.get(field);
  if (existing === true || selection === true || existing === undefined) {
    into.set(field, existing === true || selection === true ? true : selection);
    return;
  }
  const combined = new Map(existing);
  for (const [key, value] of selection) merge(combined, key, value);
  into.set(field, combined);
}

export function applySelection(value: unknown, selection: Selection): unknown {
  if (Array.isArray(value)) return value.map((item) => applySelection(item, selection));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [field, inner] of selection) {
    if (!Object.hasOwn(value, field)) continue;
    const selected = (value as Record<string, unknown>)[field];
    out[field] = inner === true ? selected : applySelection(selected, inner);
  }
  return out;
}
