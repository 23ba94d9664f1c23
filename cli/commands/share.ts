import type { Command } from 'commander';
import type { CliClients } from '../context.ts';
import { runFlagHelp, USAGE_EXIT, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

export function registerShare(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('share')
    .description(
      'print time-limited download links (presigned S3 URLs) to the report files of one audited run, for people without access to the store',
    )
    .requiredOption('--site <id>', 'the site')
    .requiredOption('--run <run>', runFlagHelp('the audited run'))
    .option('--expires <duration>', 'how long the links work: 30m, 24h, 7d (at most 7d)', '24h')
    .option(
      '--store <uri>',
      'read this s3://BUCKET/PREFIX store instead of the config file’s (default: the config’s "store")',
    );
  withHelp(command, {
    example: 'rollcall share --site acme --run latest --expires 7d',
    exitCodes: [
      [0, 'the links were printed'],
      [1, 'the store could not be read'],
      USAGE_EXIT,
      [2, 'the store is not S3, or the run has no reports (the message says which runs have them)'],
    ],
  }).action(async (_options, command: Command) => {
    const { shareAction } = await import('../actions/share.ts');
    await shareAction(command, io, clients, setExit);
  });
}
