import type { ObjectStore } from '../../functions/store/port.ts';

/** What the store answers once the process it serves is "dead". */
export class ProcessKilled extends Error {
  constructor() {
    super('the exporting process was killed');
  }
}

/**
 * A store in front of another that dies after a given number of writes (puts, conditional puts,
 * removals): that write and every call after it fail, as if the process had been killed at that
 * point — so nothing more of that export reaches the store, not even its clean-up.
 */
export function crashingStore(
  inner: ObjectStore,
  writesBeforeCrash: number,
): ObjectStore & { crashed(): boolean } {
  let writes = 0;
  let dead = false;
  const alive = () => {
    if (dead) throw new ProcessKilled();
  };
  const write = () => {
    alive();
    writes += 1;
    if (writes > writesBeforeCrash) {
      dead = true;
      throw new ProcessKilled();
    }
  };
  return {
    crashed: () => dead,
    locate: (key) => inner.locate(key),
    put: async (key, body, options) => {
      write();
      await inner.put(key, body, options);
    },
    get: async (key) => {
      alive();
      return inner.get(key);
    },
    openRead: async (key) => {
      alive();
      return inner.openRead(key);
    },
    async *list(prefix) {
      alive();
      yield* inner.list(prefix);
    },
    getTagged: async (key) => {
      alive();
      return inner.getTagged(key);
    },
    putIf: async (key, body, condition, options) => {
      write();
      return inner.putIf(key, body, condition, options);
    },
    remove: async (key) => {
      write();
      await inner.remove?.(key);
    },
  };
}
