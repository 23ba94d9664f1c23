import type { Command } from 'commander';
import type { CliClients } from '../context.ts';
import { storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

export function registerRuns(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('runs')
    .description(
      'every run of a site, newest first: its status, counts, whether it was audited and its FAIL findings, and which one latest.json names',
    )
    .requiredOption('--site <id>', 'the site');
  storeFlag(command, 'read');
  withHelp(command, {
    example: 'rollcall runs --site acme',
    exitCodes: [
      [0, 'the runs were listed (a site with no runs lists none)'],
      [1, 'the store could not be read'],
      USAGE_EXIT,
    ],
  }).action(async (_options, command: Command) => {
    const { runsAction } = await import('../actions/runs.ts');
    await runsAction(command, io, clients, setExit);
  });
}
