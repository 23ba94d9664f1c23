import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriscopeV1Emulator } from '../../dev/emulators/periscope-v1/index.ts';
import { exportSite } from '../../functions/export/export-site.ts';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import {
  latestPointerKey,
  runCheckpointKey,
  runLeaseKey,
  runPartKey,
} from '../../functions/snapshot/layout.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { crashingStore } from '../support/crashing-store.ts';
import { noSleep, testSite } from '../support/sliced-export.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const scheduledAt = new Date('2026-11-22T02:00:00Z');
const RUN = '20261122T020000Z';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function keys(store: FileStore, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const key of store.list(prefix)) found.push(key);
  return found.sort();
}

/**
 * A complete run, and what an export killed between its manifest and latest.json leaves: the
 * run's checkpoint, its parts (the last one listed by no checkpoint), and no latest.json.
 */
async function runLeftByAKilledExport() {
  const emulator = await startPeriscopeV1Emulator({ users: 30, groups: 3 });
  cleanups.push(() => emulator.close());
  const temp = await makeTempDir('finished-run-work');
  cleanups.push(() => temp.remove());
  const store = new FileStore(join(temp.path, 'store'));
  const exportRun = (into: ObjectStore = store) =>
    exportSite(
      testSite('periscope-v1', emulator.url),
      periscopeV1,
      { site: emulator.site, apiKey: emulator.apiKey },
      scheduledAt,
      { store: into, clock: systemClock, toolVersion: 'test', sleep: noSleep },
    );
  expect(await exportRun()).toMatchObject({ status: 'complete' });
  await store.put(
    runCheckpointKey('acme', RUN),
    JSON.stringify({ runId: RUN, parts: [{ key: runPartKey('acme', RUN, 0) }] }),
  );
  await store.put(runPartKey('acme', RUN, 0), 'part');
  await store.put(runPartKey('acme', RUN, 1), 'part');
  await store.remove?.(latestPointerKey('acme'));
  return { store, exportRun };
}

describe('an export that finds its run already complete', () => {
  it('removes the checkpoint and parts an export killed after the manifest left, and keeps the lease', async () => {
    const { store, exportRun } = await runLeftByAKilledExport();

    const again = await exportRun();

    expect(again).toMatchObject({ status: 'complete', alreadyComplete: true, latestMoved: true });
    expect(await keys(store, 'work/site=acme/')).toEqual([runLeaseKey('acme', RUN)]);
  });

  it('killed again while it removes them, leaves the rest for the next export, which removes it', async () => {
    const { store, exportRun } = await runLeftByAKilledExport();
    // Three writes get through: latest.json, the checkpoint's removal, the last part's.
    const killedAgain = crashingStore(store, 3);
    expect(await exportRun(killedAgain)).toMatchObject({ status: 'complete', latestMoved: true });
    expect(killedAgain.crashed()).toBe(true);
    expect(await keys(store, 'work/site=acme/')).toEqual([
      runLeaseKey('acme', RUN),
      runPartKey('acme', RUN, 0),
    ]);

    expect(await exportRun()).toMatchObject({ status: 'complete', alreadyComplete: true });
    expect(await keys(store, 'work/site=acme/')).toEqual([runLeaseKey('acme', RUN)]);
    // Nothing is left to redo: not one write is needed.
    const next = crashingStore(store, 0);
    expect(await exportRun(next)).toMatchObject({ status: 'complete', alreadyComplete: true });
    expect(next.crashed()).toBe(false);
  });
});
