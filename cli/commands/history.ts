import type { Command } from 'commander';
import type { CliClients } from '../context.ts';
import { storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

export function registerHistory(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('history')
    .description(
      'a user’s or group’s timeline across every snapshot of a site: when it appeared, changed and went',
    )
    .requiredOption('--site <id>', 'the site')
    .option('--user <emailOrId>', 'the user: key, e-mail (any letter case) or provider id')
    .option('--group <name>', 'the group: name (any letter case) or key (give --user or --group)');
  storeFlag(command, 'read').option(
    '--no-members',
    'group history: read only groups files, not who joined and left (default: read members too)',
  );
  withHelp(command, {
    example: 'rollcall history --site acme --user jane.doe@acme.com',
    exitCodes: [
      [0, 'the user or group was found'],
      [1, 'the store could not be read'],
      USAGE_EXIT,
      [2, 'the site has no snapshot, or no run has the user or group'],
    ],
  }).action(async (_options, command: Command) => {
    const { historyAction } = await import('../actions/history.ts');
    await historyAction(command, io, clients, setExit);
  });
}
