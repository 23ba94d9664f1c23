import { setTimeout as wait } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SliceRun } from '../../functions/export/slices/slice-run.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import type { HttpResponse } from '../../functions/shared/http/client.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/** A file store whose part writes wait until the test opens the gate: a store slower than the site. */
class SlowPartsStore extends FileStore {
  private opened!: () => void;
  readonly gate = new Promise<void>((resolve) => {
    this.opened = resolve;
  });
  partWritesStarted = 0;

  open(): void {
    this.opened();
  }

  override async put(...args: Parameters<FileStore['put']>): ReturnType<FileStore['put']> {
    if (args[0].includes('/parts/')) {
      this.partWritesStarted += 1;
      await this.gate;
    }
    return super.put(...args);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a slice recording the answers it reads', () => {
  it('holds responses back while two parts wait for a slow store, and lets them go once the parts are written', async () => {
    const dir = await makeTempDir('slice-backpressure');
    cleanups.push(dir.remove);
    const store = new SlowPartsStore(`${dir.path}/store`);
    const slice = await SliceRun.open({
      store,
      identity: {
        site: 'acme',
        provider: 'trivore',
        origin: 'https://id.example',
        runId: '20261122T020000Z',
      },
      clock: systemClock,
      spill: { directory: dir.path, memoryBudgetBytes: 1024 * 1024 },
      restart: true,
      holder: 'this-slice',
      confirmWriter: async () => {},
      partBytes: 1_000,
    });
    cleanups.push(async () => {
      store.open();
      await slice.close();
    });
    const page = (n: number): HttpResponse => ({
      status: 200,
      headers: new Headers(),
      body: { page: n, users: 'x'.repeat(600) },
      retries: 0,
    });
    let asked = 0;
    const client = slice.client({ send: async () => page(asked++) });
    const read = (n: number) => client.send({ url: `https://id.example/api/users?page=${n}` });

    // Two answers make a part: its write starts and waits at the store.
    await read(0);
    await read(1);
    await wait(20);
    expect(store.partWritesStarted).toBe(1);
    // The next answers pile up beside it; past two parts' worth, reading has to wait.
    await read(2);
    await read(3);
    let delivered = false;
    const held = read(4).then((response) => {
      delivered = true;
      return response;
    });
    await wait(50);
    expect(delivered).toBe(false);

    store.open();
    const response = await held;
    expect(response.body).toEqual(page(4).body);
    await slice.durable();
    const parts: string[] = [];
    for await (const key of store.list('work/site=acme/run=20261122T020000Z/parts/')) parts.push(key);
    expect(parts.length).toBeGreaterThanOrEqual(1);
  });
});
