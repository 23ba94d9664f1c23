import type { Command } from 'commander';
import { diffRuns } from '../../functions/audit/diff-runs.ts';
import { selectSite } from '../../functions/export/prepare-sites.ts';
import { printDiff } from '../audit-output.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { runFlagHelp, storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
import { type CliIo, exitCodes } from '../io.ts';
import { type GlobalOptions, runIdsNamed } from '../options.ts';

interface DiffOptions extends GlobalOptions {
  site: string;
  from: string;
  to: string;
  store?: string;
  allowIncomplete?: boolean;
}

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
    const options = command.optsWithGlobals<DiffOptions>();
    const context = await createContext(options.config, io, clients);
    const site = selectSite(context.loaded.config, options.site, context.configName);
    const store = context.store(options.store);
    const [from = '', to = ''] = await runIdsNamed(store, site.id, [
      [options.from, '--from'],
      [options.to, '--to'],
    ]);
    const result = await diffRuns(
      site,
      from,
      to,
      { allowIncomplete: options.allowIncomplete === true },
      store,
    );
    if (options.json) io.stdout.write(toJson(result));
    else if (result.status === 'compared') printDiff(io, result.site, result.diff);
    else io.stderr.write(`${result.site}: ${result.reason}\n`);
    setExit(
      result.status === 'compared'
        ? exitCodes.ok
        : result.status === 'missing'
          ? exitCodes.usage
          : exitCodes.siteFailed,
    );
  });
}
