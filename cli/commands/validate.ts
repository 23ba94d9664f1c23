import type { Command } from 'commander';
import type { CliClients } from '../context.ts';
import { siteListOption, storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

export function registerValidate(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('validate')
    .description('check the config file and each site’s credentials with one cheap API call; exports nothing')
    .addOption(siteListOption('check only this site'));
  storeFlag(command, 'check');
  withHelp(command, {
    example: 'rollcall validate --site acme',
    exitCodes: [
      [0, 'the config is valid and every selected site accepted its credentials'],
      [1, 'a site refused its credentials or could not be reached'],
      USAGE_EXIT,
    ],
  }).action(async (_options, command: Command) => {
    const { validateAction } = await import('../actions/validate.ts');
    await validateAction(command, io, clients, setExit);
  });
}
