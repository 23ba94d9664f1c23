import { type Command, Option } from 'commander';

/** What every command's `--help` ends with: one example to copy, and what each exit code means. */
export interface CommandHelp {
  readonly example: string;
  readonly exitCodes: readonly (readonly [code: number, meaning: string])[];
}

export function withHelp(command: Command, help: CommandHelp): Command {
  const meanings = new Map<number, string[]>();
  for (const [code, meaning] of help.exitCodes) meanings.set(code, [...(meanings.get(code) ?? []), meaning]);
  const codes = [...meanings]
    .sort(([a], [b]) => a - b)
    .map(([code, texts]) => `  ${code}  ${texts.join('; or ')}`)
    .join('\n');
  return command.addHelpText('after', `\nExample:\n  ${help.example}\n\nExit codes:\n${codes}\n`);
}

/** `--store`, worded the same way by every command that takes it. */
export function storeFlag(command: Command, verb: string): Command {
  return command.option(
    '--store <uri>',
    `${verb} this store instead of the config file’s: file://DIR or s3://BUCKET/PREFIX (default: the config’s "store")`,
  );
}

/** The help line of a flag that names a run; every such flag takes the same names. */
export function runFlagHelp(what: string): string {
  return `${what}: latest, previous, a date (2026-11-21: that day’s last complete run) or a run id such as 20261122T020000Z`;
}

export const USAGE_EXIT = [
  2,
  'usage or config error, or missing AWS set-up: the message names the file, key or flag, or what to set',
] as const;

/** `--site`, repeatable, for the commands that work on every site of the config by default. */
export function siteListOption(description: string): Option {
  return new Option('--site <id>', `${description} (repeatable)`)
    .argParser(collect)
    .default([], 'every site of the config');
}

/** Commander's accumulator for repeatable flags such as `--site`. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
