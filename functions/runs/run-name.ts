import { ConfigError } from '../shared/errors.ts';
import { parseIsoTime } from '../shared/scheduled-time.ts';
import { runIdFor } from '../snapshot/layout.ts';

/**
 * How a person names a run: its id, `latest` (the newest complete run), `previous` (the
 * complete run before it), or a UTC date (that day's last complete run).
 */
export type RunName =
  | { readonly kind: 'id'; readonly runId: string }
  | { readonly kind: 'latest' }
  | { readonly kind: 'previous' }
  | { readonly kind: 'date'; readonly date: string };

const RUN_ID = /^\d{8}T\d{6}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What every "not a run name" message offers instead; `site` makes the `runs` command exact. */
export function runNameChoices(site: string | undefined): string {
  return `use latest, previous, a date like 2026-11-21 or a run id from \`rollcall runs --site ${site ?? 'ID'}\``;
}

/**
 * Reads a run name as typed after `flag`. A README placeholder typed literally (`<runId>`) and
 * anything else that names no run is a ConfigError that says what to type instead.
 */
export function parseRunName(value: string, flag: string, site?: string): RunName {
  const text = value.trim();
  const lower = text.toLowerCase();
  if (lower === 'latest' || lower === 'previous') return { kind: lower };
  if (/^<.*>$/.test(text) || /^(RUN|RUN_?ID|ID)$/i.test(text))
    throw new ConfigError(`${flag}: '${text}' is a placeholder: ${runNameChoices(site)}.`);
  if (RUN_ID.test(text) && 'time' in parseIsoTime(isoTimeOfRunId(text))) return { kind: 'id', runId: text };
  if (DATE.test(text) && 'time' in parseIsoTime(text)) return { kind: 'date', date: text };
  // The scheduled time a run id stands for, as `--as-of` wrote it.
  const iso = parseIsoTime(text);
  if ('time' in iso) return { kind: 'id', runId: runIdFor(iso.time) };
  throw new ConfigError(`${flag}: "${text}" is not a run: ${runNameChoices(site)}.`);
}

/** The ISO time a run id's digits spell, checked like any other time by parseIsoTime. */
function isoTimeOfRunId(runId: string): string {
  return runId.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
}

/** The name as a person reads it back, for messages. */
export function describeRunName(name: RunName): string {
  switch (name.kind) {
    case 'id':
      return name.runId;
    case 'date':
      return `the last complete run of ${name.date}`;
    default:
      return name.kind;
  }
}
