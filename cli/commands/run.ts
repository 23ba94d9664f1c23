import type { Command } from 'commander';
import type { CliClients } from '../context.ts';
import { siteListOption, storeFlag, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

import { AUDIT_EXIT_CODES, auditFlags } from './audit.ts';
import { checkpointFlag, spillFlags } from './export.ts';

export function registerRun(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('run')
    .description('export the selected sites, then audit each complete export: what the nightly schedule does')
    .addOption(siteListOption('only this site'));
  storeFlag(command, 'use').option(
    '--as-of <iso>',
    'the scheduled time of the run: decides the run id and the date partition (default: now)',
  );
  withHelp(auditFlags(checkpointFlag(spillFlags(command))), {
    example: 'rollcall run --site acme --fail-on high',
    exitCodes: [
      [0, 'every site exported completely and was audited (and nothing reached --fail-on)'],
      [1, 'a site failed, its export is incomplete, or it could not be audited'],
      ...AUDIT_EXIT_CODES.filter(([code]) => code === 2 || code === 3),
    ],
  }).action(async (_options, command: Command) => {
    const { runAction } = await import('../actions/run.ts');
    await runAction(command, io, clients, setExit);
  });
}
