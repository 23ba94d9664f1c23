import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBody, SpillDir } from '../../functions/reports/spill.ts';
import { makeTempDir } from '../support/temp-dir.ts';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup) await step();
  cleanup = [];
});

async function spillDir(): Promise<SpillDir> {
  const temp = await makeTempDir('spill');
  const spill = await SpillDir.create(temp.path);
  cleanup.push(() => spill.remove(), temp.remove);
  return spill;
}

describe('report spill files', () => {
  it('give back every piece in order, text outside ASCII and pieces larger than their buffer included', async () => {
    const spill = await spillDir();
    const file = spill.file();
    const pieces: string[] = [];
    for (let i = 0; i < 30_000; i++) pieces.push(`${i},Zoë 日本 🙂,"x"\r\n`);
    pieces.push('y'.repeat(2 * 1024 * 1024), 'end');
    for (const piece of pieces) file.write(piece);
    expect(await text(file.read())).toBe(pieces.join(''));
  });

  it('are put together with literal text, skipping a first comma, and an unwritten file is empty', async () => {
    const spill = await spillDir();
    const first = spill.file();
    const empty = spill.file();
    first.write(',{"a":1}');
    first.write(',{"b":2}');
    const body = concatBody(['[', { file: first, skip: 1 }, { file: empty }, ']']);
    expect(await text(body)).toBe('[{"a":1},{"b":2}]');
    expect(empty.written).toBe(false);
  });
});
