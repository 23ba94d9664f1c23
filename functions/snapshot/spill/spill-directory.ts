import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiteError } from '../../shared/errors.ts';

/** Where an export may spill sorted runs, and how much it may keep in memory before it does. */
export interface SpillSettings {
  /** A local directory; each export makes (and removes) a folder of its own inside it. */
  readonly directory: string;
  /** Bytes of records an export keeps in memory before it writes a sorted run to disk. */
  readonly memoryBudgetBytes: number;
}

export const DEFAULT_MEMORY_BUDGET_BYTES = 32 * 1024 * 1024;

/** The operating system's temporary directory (Lambda: /tmp), and the default budget. */
export function defaultSpillSettings(): SpillSettings {
  return { directory: tmpdir(), memoryBudgetBytes: DEFAULT_MEMORY_BUDGET_BYTES };
}

const PREFIX = 'rollcall-spill-';
/**
 * Names this process's folders apart from those of an earlier process with the same pid — a
 * Lambda runtime restarted after a timeout usually gets its predecessor's pid.
 */
const PROCESS_TOKEN = randomUUID().slice(0, 8);

/**
 * A spill directory or file could not be made, written or read: the site's export fails with a
 * message naming the directory and the problem, like any other store failure.
 */
export function spillError(directory: string, action: string, cause: unknown): SiteError {
  const code = (cause as { code?: string } | undefined)?.code;
  const problem =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'it is not writable'
        : code === 'ENOENT'
          ? 'it does not exist (or was removed while the export ran)'
          : code === 'ENOTDIR'
            ? 'part of its path is a file, not a directory'
            : cause instanceof Error
              ? cause.message
              : String(cause);
  return new SiteError('store', `could not ${action} in the spill directory ${directory}: ${problem}`, {
    cause,
  });
}

/** One export's private folder of spill files. */
export interface SpillSpace {
  readonly settings: SpillSettings;
  readonly path: string;
  /** A new file name inside the folder. */
  nextFile(kind: string): string;
  /** Removes the folder and everything in it. Safe to call more than once. */
  remove(): Promise<void>;
}

/**
 * Makes an export's spill folder, first removing folders left by processes that are gone (a crash
 * or a killed invocation leaves its spill behind; the next export cleans it up).
 */
export async function openSpillSpace(settings: SpillSettings): Promise<SpillSpace> {
  const { directory } = settings;
  try {
    await mkdir(directory, { recursive: true });
    await removeAbandoned(directory);
    const path = await mkdtemp(join(directory, `${PREFIX}${process.pid}-${PROCESS_TOKEN}-`));
    let files = 0;
    return {
      settings,
      path,
      nextFile: (kind) => join(path, `${kind}-${++files}.run`),
      remove: () => rm(path, { recursive: true, force: true }),
    };
  } catch (cause) {
    throw spillError(directory, 'make a folder', cause);
  }
}

async function removeAbandoned(directory: string): Promise<void> {
  for (const name of await readdir(directory)) {
    const owner = /^rollcall-spill-(\d+)-([0-9a-f]{8})-/.exec(name);
    if (!owner) continue;
    const pid = Number(owner[1]);
    const gone = pid === process.pid ? owner[2] !== PROCESS_TOKEN : !isAlive(pid);
    if (gone) await rm(join(directory, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as { code?: string }).code === 'EPERM';
  }
}
