import { resolve } from 'node:path';
import { resolveRun } from '../functions/runs/resolve-run.ts';
import { parseRunName } from '../functions/runs/run-name.ts';
import type { Clock } from '../functions/shared/clock.ts';
import { parseDuration } from '../functions/shared/duration.ts';
import { ConfigError } from '../functions/shared/errors.ts';
import { futureScheduleProblem, parseIsoTime } from '../functions/shared/scheduled-time.ts';
import { defaultSpillSettings, type SpillSettings } from '../functions/snapshot/spill/spill-directory.ts';
import type { ObjectStore } from '../functions/store/port.ts';

/** Flags every command takes. */
export interface GlobalOptions {
  config: string;
  json?: boolean;
  debug?: boolean;
}

/**
 * `--as-of`: the run's scheduled time; defaults to now, to the second. A real calendar time, at
 * most a day ahead of the clock: a run in the future would hold latest.json ahead of every night.
 */
export function parseAsOf(value: string | undefined, clock: Clock): Date {
  const now = clock.now();
  if (value === undefined) return new Date(Math.floor(now.getTime() / 1000) * 1000);
  const parsed = parseIsoTime(value);
  if ('problem' in parsed) throw new ConfigError(`--as-of: "${value}" ${parsed.problem}.`);
  const ahead = futureScheduleProblem(parsed.time, now);
  if (ahead) throw new ConfigError(`--as-of: "${value}" ${ahead}.`);
  return parsed.time;
}

/**
 * `--run`, `--from`, `--to`, `--deleted-since`: the run ids the run names stand for on one site
 * (`latest`, `previous`, a date or a run id), in the order given. Every name is read before any
 * is looked up, so a mistyped one is reported first. A name that matches no run of the site is
 * a usage error whose message says what the site has.
 */
export async function runIdsNamed(
  store: ObjectStore,
  site: string,
  named: readonly (readonly [value: string, flag: string])[],
): Promise<string[]> {
  const names = named.map(([value, flag]) => ({ value, flag, name: parseRunName(value, flag, site) }));
  const runIds: string[] = [];
  for (const { value, flag, name } of names) {
    const resolved = await resolveRun(store, site, name);
    if (resolved.status === 'missing') throw new ConfigError(`${flag} ${value.trim()}: ${resolved.reason}`);
    runIds.push(resolved.runId);
  }
  return runIds;
}

/**
 * `--expires`: how long a download link lives, in seconds. `30m`, `24h`, `7d` or `1d12h`; at
 * most `maxSeconds` (S3's limit for a presigned link is 7 days).
 */
export function parseExpires(value: string, flag: string, maxSeconds: number): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds > maxSeconds) {
    const problem = seconds === undefined ? 'is not a duration' : 'is longer than S3 allows';
    throw new ConfigError(
      `${flag}: "${value}" ${problem}; use a number and a unit (s, m, h, d), such as 30m, 24h or 7d, from 1s up to ${maxSeconds / 86_400}d (the longest a presigned S3 link can live).`,
    );
  }
  return seconds;
}

/**
 * `--spill-dir` and `--sort-memory`: where an export sorts users an API does not send in key
 * order, and how many megabytes of them it keeps in memory before it writes a sorted run there.
 */
export function parseSpill(
  directory: string | undefined,
  memoryMb: string | undefined,
  cwd: string,
): SpillSettings | undefined {
  if (directory === undefined && memoryMb === undefined) return undefined;
  const defaults = defaultSpillSettings();
  let memoryBudgetBytes = defaults.memoryBudgetBytes;
  if (memoryMb !== undefined) {
    const megabytes = Number(memoryMb);
    if (!/^\d+$/.test(memoryMb) || megabytes < 1 || megabytes > 65_536) {
      throw new ConfigError(
        `--sort-memory: "${memoryMb}" is not a whole number of megabytes from 1 to 65536, such as 64.`,
      );
    }
    memoryBudgetBytes = megabytes * 1024 * 1024;
  }
  return { directory: resolve(cwd, directory ?? defaults.directory), memoryBudgetBytes };
}

/** `--slice-seconds`: a whole number of seconds, at least 1. */
export function parseSliceSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 86_400) {
    throw new ConfigError(
      `--slice-seconds: "${value}" is not a whole number of seconds from 1 to 86400, such as 60.`,
    );
  }
  return seconds;
}

/**
 * `--checkpoint-seconds`: how often, at most, what an export has read is made durable (a part
 * and the checkpoint); `0` after every answer. A whole number of seconds; default 60.
 */
export function parseCheckpointSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds > 86_400) {
    throw new ConfigError(
      `--checkpoint-seconds: "${value}" is not a whole number of seconds from 0 to 86400, such as 60.`,
    );
  }
  return seconds;
}
