import type { Command } from 'commander';
import type { CliClients } from '../context.ts';
import { runFlagHelp, storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

export function registerDiff(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('diff')
    .description('what changed between two runs of a site: users, groups and memberships')
    .requiredOption('--site <id>', 'the site')
    .requiredOption('--from <run>', runFlagHelp('the earlier run'))
    .requiredOption('--to <run>', runFlagHelp('the later run'));
  storeFlag(command, 'read').option(
    '--allow-incomplete',
    'compare incomplete snapshots too (default: refuse them, exit 1)',
  );
  withHelp(command, {
    example: 'rollcall diff --site acme --from previous --to latest',
    exitCodes: [
      [0, 'the runs were compared'],
      [1, 'a run is incomplete, does not match its manifest, or could not be read'],
      USAGE_EXIT,
      [2, 'the site has no such run (the message lists the runs it has)'],
    ],
  }).action(async (_options, command: Command) => {
    const { diffAction } = await import('../actions/diff.ts');
    await diffAction(command, io, clients, setExit);
  });
}
