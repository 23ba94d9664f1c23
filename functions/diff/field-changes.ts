import type { FieldChange, FieldValue } from './model.ts';

/** Shared by every record with no change, so an unchanged snapshot allocates nothing per record. */
export const NO_CHANGES: readonly FieldChange[] = Object.freeze([]);

/**
 * The listed fields whose values differ, in the order of `fields` (a fixed order makes diffs of
 * different runs line up for people and for tests). Strict inequality on purpose: `undefined`
 * (the provider lacks the field) and `null` (it has the field, empty) are different facts.
 */
export function fieldChanges<K extends string>(
  before: Readonly<Partial<Record<K, FieldValue>>>,
  after: Readonly<Partial<Record<K, FieldValue>>>,
  fields: readonly K[],
): readonly FieldChange[] {
  let changes: FieldChange[] | undefined;
  for (const field of fields) {
    const was = before[field];
    const is = after[field];
    if (was === is) continue;
    changes ??= [];
    changes.push({ field, before: was, after: is });
  }
  return changes ?? NO_CHANGES;
}
