import type { ExportObserver, ExportTarget, KeySorter, UserSinkOptions } from '../shared/export-model.ts';
import type { ObjectStore } from '../store/port.ts';
import { SortedUserFiles } from './sorted-user-files.ts';
import { ExternalKeySorter } from './spill/external-sorter.ts';
import { openSpillSpace, type SpillSettings } from './spill/spill-directory.ts';

/** A connector's export target that writes a run's users' files, and the handles to finish it. */
export interface SnapshotExportTarget extends ExportTarget {
  /** The users' sink once the connector has opened it. */
  usersSink(): SortedUserFiles | undefined;
  /** Removes every spill file and aborts any write not committed. Safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * Key sorters share the export's budget with the users' sink; a connector uses at most two at a
 * time (LumApps' id check), so each gets a quarter.
 */
const KEY_SORTER_SHARE = 4;

/** Opens the spill folder and the target a connector exports a run's users into. */
export async function openExportTarget(options: {
  readonly store: ObjectStore;
  readonly runPrefix: string;
  readonly spill: SpillSettings;
  readonly observer?: ExportObserver;
}): Promise<SnapshotExportTarget> {
  const space = await openSpillSpace(options.spill);
  let users: SortedUserFiles | undefined;
  const keySorters: KeySorter[] = [];
  return {
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    openUsers(sinkOptions?: UserSinkOptions) {
      if (users) throw new Error('the users sink was opened twice in one export');
      users = new SortedUserFiles(options.store, options.runPrefix, space, sinkOptions);
      return users;
    },
    scratch: {
      openKeySorter() {
        const sorter = new ExternalKeySorter(
          space,
          Math.floor(options.spill.memoryBudgetBytes / KEY_SORTER_SHARE),
        );
        keySorters.push(sorter);
        return sorter;
      },
    },
    usersSink: () => users,
    async dispose() {
      await Promise.allSettled([users?.discard(), ...keySorters.map((sorter) => sorter.dispose())]);
      await space.remove();
    },
  };
}
