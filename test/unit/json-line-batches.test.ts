import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jsonLineBatches, type LineMode } from '../../functions/snapshot/json-line-batches.ts';
import { snapshotLine } from '../../functions/snapshot/jsonl.ts';

async function read(text: string, mode: LineMode) {
  const batches = [];
  for await (const batch of jsonLineBatches(Readable.from([gzipSync(text)]), mode)) batches.push(batch);
  return batches;
}

async function values(text: string, mode: LineMode): Promise<unknown[]> {
  return (await read(text, mode)).flatMap((batch) => batch.values);
}

describe('JSON line batches', () => {
  it('read every line, in order, across chunk boundaries, with text outside ASCII intact', async () => {
    // About 3 MB of text: several gunzip chunks, so lines (and a multi-byte name) straddle them.
    const records = Array.from({ length: 20_000 }, (_, i) => ({
      key: `user${String(i).padStart(6, '0')}`,
      firstName: 'Zoë Ångström 日本',
      groups: ['All Users'],
      raw: { note: 'x'.repeat(100), i },
    }));
    const text = records.map((record) => `${snapshotLine(record)}\n`).join('');
    const batches = await read(text, 'without-raw');
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flatMap((batch) => batch.values)).toEqual(
      records.map(({ raw: _raw, ...fields }) => fields),
    );
    let line = 1;
    for (const batch of batches) {
      expect(batch.firstLine).toBe(line);
      line += batch.values.length;
    }
    expect(await values(text, 'whole')).toEqual(records);
  });

  it('leave raw out only at the top level, even when a value or raw itself spells the raw key', async () => {
    const record = {
      key: 'x',
      firstName: 'Mallory ,"raw":{"admin":true}',
      groups: [',"raw":'],
      raw: { raw: { nested: ',"raw":' } },
    };
    const plain = { key: 'y', groups: [] };
    const last = { key: 'z', raw: null };
    const text = `${JSON.stringify(plain)}\n${snapshotLine(record)}\n${snapshotLine(last)}`;
    expect(await values(text, 'without-raw')).toEqual([
      plain,
      { key: 'x', firstName: record.firstName, groups: record.groups },
      { key: 'z' },
    ]);
  });

  it('skip blank lines but count them, and read a last line without its newline', async () => {
    const batches = await read('\n{"key":"a"}\n\n{"key":"b"}', 'whole');
    expect(batches.flatMap((batch) => batch.values)).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(batches.at(-1)?.firstLine).toBe(4);
  });

  it('name the line that is not JSON', async () => {
    await expect(read('{"key":"a"}\n{"key":\n', 'without-raw')).rejects.toThrow('line 2 is not JSON');
  });
});
