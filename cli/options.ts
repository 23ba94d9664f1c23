import { type Clock, systemClock } from '../functions/shared/clock.ts';
import { ConfigError } from '../functions/shared/errors.ts';
import { runIdFor, scheduledAtOf } from '../functions/snapshot/layout.ts';

/** Flags every command takes. */
export interface GlobalOptions {
  config: string;
  json?: boolean;
  debug?: boolean;
}

/** `--as-of`: the run's scheduled time; defaults to now, to the second. */
export function parseAsOf(value: string | undefined, clock: Clock): Date {
  if (value === undefined) return new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
  const parsed = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)
    ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value)
    : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) {
    throw new ConfigError(`--as-of: "${value}" is not an ISO-8601 time such as 2026-11-22T02:00:00Z.`);
  }
  return parsed;
}

/** `--run`, `--from`, `--to`: a run id such as 20261122T020000Z, or the ISO time it stands for. */
export function parseRunId(value: string, flag: string): string {
  if (/^\d{8}T\d{6}Z$/.test(value) && !Number.isNaN(scheduledAtOf(value).getTime())) return value;
  try {
    return runIdFor(parseAsOf(value, systemClock));
  } catch {
    throw new ConfigError(
      `${flag}: "${value}" is not a run id such as 20261122T020000Z (or the ISO time 2026-11-22T02:00:00Z).`,
    );
  }
}

/** Commander's accumulator for repeatable flags such as `--site`. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
