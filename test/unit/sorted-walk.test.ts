import { describe, expect, it } from 'vitest';
import { walkByKey } from '../../functions/diff/sorted-walk.ts';

const side = (runId: string, batches: string[][]) => ({
  batches: batches.map((keys) => keys.map((key) => ({ key }))),
  what: 'users',
  runId,
});

async function steps(sides: ReturnType<typeof side>[]): Promise<(string | undefined)[][]> {
  const seen: (string | undefined)[][] = [];
  await walkByKey(sides, (step) => seen.push(step.map((record) => record?.key)));
  return seen;
}

describe('the merge walk', () => {
  it('meets every key once, on the sides that have it, whatever the batch boundaries', async () => {
    const seen = await steps([
      side('now', [['a', 'c'], [], ['d'], ['f']]),
      side('before', [['b'], ['c', 'd', 'e']]),
    ]);
    expect(seen).toEqual([
      ['a', undefined],
      [undefined, 'b'],
      ['c', 'c'],
      ['d', 'd'],
      [undefined, 'e'],
      ['f', undefined],
    ]);
  });

  it('refuses a key out of order or twice, also across a batch boundary', async () => {
    await expect(steps([side('r1', [['a', 'c'], ['b']])])).rejects.toThrow(
      'Cannot diff the users of run r1: they must be sorted by key without duplicates, but key "b" comes after "c" (position 2).',
    );
    await expect(steps([side('r2', [['a'], ['a']])])).rejects.toThrow('key "a" appears twice');
  });

  it('closes every side when the visitor throws', async () => {
    let closed = 0;
    async function* batches() {
      try {
        yield [{ key: 'a' }];
        yield [{ key: 'b' }];
      } finally {
        closed++;
      }
    }
    const failing = walkByKey([{ batches: batches(), what: 'users', runId: 'r' }], () => {
      throw new Error('stop');
    });
    await expect(failing).rejects.toThrow('stop');
    expect(closed).toBe(1);
  });
});
