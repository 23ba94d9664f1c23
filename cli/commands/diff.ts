import type { Command } from 'commander';
import { diffRuns } from '../../functions/audit/diff-runs.ts';
import { selectSite } from '../../functions/export/prepare-sites.ts';
import { printDiff } from '../audit-output.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import { type GlobalOptions, parseRunId } from '../options.ts';

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
  program
    .command('diff')
    .description('what changed between two runs of a site: users, groups and memberships')
    .requiredOption('--site <id>', 'the site')
    .requiredOption('--from <runId>', 'the earlier run, e.g. 20261121T020000Z')
    .requiredOption('--to <runId>', 'the later run')
    .option('--store <uri>', 'read this store instead of the config file’s')
    .option('--allow-incomplete', 'compare incomplete snapshots too')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<DiffOptions>();
      const context = await createContext(options.config, io, clients);
      const site = selectSite(context.loaded.config, options.site, context.configName);
      const from = parseRunId(options.from, '--from');
      const to = parseRunId(options.to, '--to');
      const result = await diffRuns(
        site,
        from,
        to,
        { allowIncomplete: options.allowIncomplete === true },
        context.store(options.store),
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
