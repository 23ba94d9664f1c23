import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { compareKeys } from '../../functions/shared/model.ts';
import { ExternalKeySorter, ExternalSorter } from '../../functions/snapshot/spill/external-sorter.ts';
import { openSpillSpace, type SpillSpace } from '../../functions/snapshot/spill/spill-directory.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function space(memoryBudgetBytes: number): Promise<SpillSpace> {
  const dir = await makeTempDir('sorter');
  cleanups.push(() => dir.remove());
  return openSpillSpace({ directory: dir.path, memoryBudgetBytes });
}

async function drain(sorter: ExternalSorter): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of sorter.batches()) out.push(...batch.map((record) => [...record]));
  return out;
}

describe('external sorter', () => {
  it('merges spilled runs in key order, equal keys in arrival order, any text and any size intact', async () => {
    const spill = await space(2 * 1024);
    const sorter = new ExternalSorter(spill, 'test', 3, spill.settings.memoryBudgetBytes);
    const huge = 'ü'.repeat(700_000); // 1.4 MB of UTF-8: larger than an arena chunk
    const added: string[][] = [];
    for (let i = 0; i < 500; i++) {
      const key = `k${String((i * 7919) % 250).padStart(3, '0')}`;
      const record = [key, `arrival ${i}`, i === 123 ? huge : `line\nwith "quotes", 😀 ${i}`];
      added.push(record);
      await sorter.add(record);
    }
    expect(sorter.spilledRuns).toBeGreaterThan(5);

    const sorted = await drain(sorter);

    const expected = added
      .map((record, arrival) => ({ record, arrival }))
      .sort((a, b) => compareKeys(a.record[0] as string, b.record[0] as string) || a.arrival - b.arrival)
      .map(({ record }) => record);
    expect(sorted).toEqual(expected);
    expect(await readdir(spill.path)).toEqual([]);
  });

  it('keeps a small site in memory: nothing is written to disk', async () => {
    const spill = await space(1024 * 1024);
    const sorter = new ExternalSorter(spill, 'test', 2, spill.settings.memoryBudgetBytes);
    for (const key of ['b', 'a', 'c', 'a']) await sorter.add([key, `value of ${key}`]);
    expect(sorter.spilledRuns).toBe(0);
    expect((await drain(sorter)).map(([key]) => key)).toEqual(['a', 'a', 'b', 'c']);
  });

  it('a key sorter yields each key once, ascending', async () => {
    const spill = await space(4 * 1024);
    const keys = new ExternalKeySorter(spill, 512);
    for (let i = 0; i < 2_000; i++) await keys.add(`id-${(i * 37) % 700}`);
    const out: string[] = [];
    for await (const key of keys.sorted()) out.push(key);
    expect(out).toEqual([...new Set(Array.from({ length: 700 }, (_, i) => `id-${i}`))].sort());
  });
});
