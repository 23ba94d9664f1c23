import { compareKeys } from '../../shared/model.ts';
import type { KeySorter } from '../port.ts';

/**
 * A key sorter held in memory, for listings that scale with groups (feeds, roles, groups), never
 * with users: those use the target's scratch sorter, which spills to disk.
 */
export function memoryKeySorter(): KeySorter {
  const keys = new Set<string>();
  return {
    async add(key) {
      keys.add(key);
    },
    async *sorted() {
      const sorted = [...keys].sort(compareKeys);
      keys.clear();
      yield* sorted;
    },
    async dispose() {
      keys.clear();
    },
  };
}
