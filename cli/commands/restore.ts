import type { Command } from 'commander';
import { DEFAULT_MAX_USERS } from '../../functions/restore/max-users.ts';
import type { CliClients } from '../context.ts';
import { collect, runFlagHelp, storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
import type { CliIo } from '../io.ts';

export function registerRestore(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('restore')
    .description(
      'put deleted users, groups and lost memberships back from a snapshot: a dry run unless --apply',
    )
    .requiredOption('--site <id>', 'the site')
    .requiredOption('--from <run>', runFlagHelp('the snapshot to restore from'))
    .option('--user <emailOrId>', 'restore this user (repeatable; default: none)', collect, [])
    .option(
      '--group <name>',
      'restore this group and its members who still exist (repeatable; default: none)',
      collect,
      [],
    )
    .option(
      '--deleted-since <run>',
      runFlagHelp(
        'restore everything in that run’s snapshot that a later snapshot shows deleted or the site lacks now (default: none)',
      ),
    )
    .option('--memberships', 'add back the memberships that users who still exist have lost (default: off)')
    .option('--apply', 'execute the plan (default: a dry run that changes nothing)')
    .option('--max <n>', `with --apply, create at most this many users (default ${DEFAULT_MAX_USERS})`)
    .option(
      '--invited-by <email>',
      'the sender of re-invitations (default: the site’s restore.invitedByEmail)',
    );
  storeFlag(command, 'read, and record the restore in,');
  withHelp(command, {
    example:
      'rollcall restore --site acme --from previous --deleted-since previous --invited-by it-admin@example.com',
    exitCodes: [
      [0, 'the plan was made (dry run) or every step was applied'],
      [
        1,
        'a step failed, the snapshot is incomplete or does not match its manifest, or the site could not be read',
      ],
      USAGE_EXIT,
      [2, 'no selection, or the site has no such run (the message lists the runs it has)'],
    ],
  }).action(async (_options, command: Command) => {
    const { restoreAction } = await import('../actions/restore.ts');
    await restoreAction(command, io, clients, setExit);
  });
}
