import { type Command, Option } from 'commander';
import { severities } from '../../functions/audit/model.ts';
import type { CliClients } from '../context.ts';
import { runFlagHelp, siteListOption, storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

/** `--fail-on` and `--allow-incomplete`, shared by `audit` and `run`. */
export function auditFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 3 when a FAIL finding at or above this severity (or a suspect mass change) is found (default: exit 0 whatever is found)',
      ).choices(severities),
    )
    .option(
      '--allow-incomplete',
      'audit an incomplete snapshot, or one whose files do not match its manifest; every report then says so (default: refuse, exit 1)',
    );
}

export function registerAudit(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('audit')
    .description(
      'audit a snapshot (default: each site’s latest complete run) against the complete run before it and write its reports',
    )
    .addOption(siteListOption('audit only this site'));
  storeFlag(command, 'read and write').option(
    '--run <run>',
    runFlagHelp('the run to audit (default: latest, each site’s latest complete run)'),
  );
  withHelp(auditFlags(command), {
    example: 'rollcall audit --site acme --run previous --fail-on high',
    exitCodes: AUDIT_EXIT_CODES,
  }).action(async (_options, command: Command) => {
    const { auditAction } = await import('../actions/audit.ts');
    await auditAction(command, io, clients, setExit);
  });
}

/** `audit` and `run` end the same way once the audits are done. */
export const AUDIT_EXIT_CODES = [
  [0, 'every selected site was audited (and nothing reached --fail-on)'],
  [
    1,
    'a site could not be audited: its snapshot is incomplete, does not match its manifest, or could not be read',
  ],
  USAGE_EXIT,
  [2, 'nothing to audit: the site has no such run (the message lists the runs it has)'],
  [3, '--fail-on SEVERITY: a FAIL finding at or above it, or a suspect mass change, was found'],
] as const;
