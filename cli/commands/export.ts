import type { Command } from 'commander';
import type { CliClients } from '../context.ts';
import { siteListOption, storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

/** The flags that shape how an export sorts: `export` and `run` take them. */
export function spillFlags(command: Command): Command {
  return command
    .option(
      '--spill-dir <dir>',
      'where users an API does not send in key order are sorted on disk (default: the system temp directory)',
    )
    .option(
      '--sort-memory <mb>',
      'megabytes of users kept in memory before a sorted run is written (default: 32)',
    );
}

/** How often an export makes what it read durable, so that a killed one resumes: `export` and `run`. */
export function checkpointFlag(command: Command): Command {
  return command.option(
    '--checkpoint-seconds <n>',
    'keep what was read in the store (a part and the checkpoint a later export resumes) at most every N seconds; 0: after every answer (default: 60)',
  );
}

export function registerExport(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('export')
    .description('export every user, group and membership of the selected sites (default: all)')
    .addOption(siteListOption('export only this site'));
  storeFlag(command, 'write to').option(
    '--as-of <iso>',
    'the scheduled time of the run: decides the run id and the date partition (default: now)',
  );
  command
    .option('--restart', "discard the run's checkpoint and export from the beginning (default: resume it)")
    .option(
      '--slice-seconds <n>',
      'checkpoint and start a new slice every N seconds, as the deployed stack does (default: one slice)',
    );
  withHelp(checkpointFlag(spillFlags(command)), {
    example: 'rollcall export --site acme --as-of 2026-11-22T02:00:00Z',
    exitCodes: EXPORT_EXIT_CODES,
  }).action(async (_options, command: Command) => {
    const { exportAction } = await import('../actions/export.ts');
    await exportAction(command, io, clients, setExit);
  });
}

export const EXPORT_EXIT_CODES = [
  [0, 'every selected site exported completely'],
  [
    1,
    'a site failed (refused credentials, unreachable; it leaves a failure.json) or its export is incomplete',
  ],
  USAGE_EXIT,
] as const;
