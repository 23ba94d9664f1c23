import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connector } from '../providers/port.ts';
import type { ExportObserver, ListingReport, ProviderExport, UsersSummary } from '../shared/export-model.ts';
import type { CanonicalGroup, CanonicalUser } from '../shared/model.ts';
import { openExportTarget } from '../snapshot/export-target.ts';
import { parseGzipJsonLines } from '../snapshot/jsonl.ts';
import { snapshotFiles } from '../snapshot/layout.ts';
import {
  DEFAULT_MEMORY_BUDGET_BYTES,
  defaultSpillSettings,
  spillError,
} from '../snapshot/spill/spill-directory.ts';
import { FileStore } from '../store/file-store.ts';

/** A live site as one full export saw it: users sorted by key, each once. */
export interface LiveSite {
  readonly users: CanonicalUser[];
  readonly groups: CanonicalGroup[];
  readonly listings: Readonly<Record<string, ListingReport>>;
  readonly summary: UsersSummary;
}

export interface ReadLiveSiteOptions {
  /** Local directory for the spill and the users' files; default the OS's temp dir. */
  readonly directory?: string;
  readonly memoryBudgetBytes?: number;
  readonly observer?: ExportObserver;
}

/**
 * Exports a live site through the same sink a snapshot uses (spilled, sorted, de-duplicated) into
 * a private temporary folder, and reads the users back into memory. For what must hold the live
 * site whole — a restore plan's live index, and tests — never for the nightly export.
 */
export async function readLiveSite(
  connector: Connector,
  options: ReadLiveSiteOptions = {},
): Promise<LiveSite> {
  const parent = options.directory ?? defaultSpillSettings().directory;
  let folder: string;
  try {
    folder = await mkdtemp(join(parent, 'rollcall-live-'));
  } catch (cause) {
    throw spillError(parent, 'make a folder', cause);
  }
  const store = new FileStore(folder);
  try {
    const target = await openExportTarget({
      store,
      runPrefix: 'live/',
      spill: {
        directory: folder,
        memoryBudgetBytes: options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES,
      },
      ...(options.observer === undefined ? {} : { observer: options.observer }),
    });
    let data: ProviderExport;
    try {
      data = await connector.exportAll(target);
      // Only users.jsonl is read back; the CSVs' group names do not matter here.
      await target.usersSink()?.commit((key) => key);
    } finally {
      await target.dispose();
    }
    const users: CanonicalUser[] = [];
    const body = await store.openRead(`live/${snapshotFiles.usersJsonl}`);
    if (body) for await (const { value } of parseGzipJsonLines(body)) users.push(value as CanonicalUser);
    return { users, groups: data.groups, listings: data.listings, summary: data.users };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
