import type { Command } from 'commander';
import { diffRuns } from '../../functions/audit/diff-runs.ts';
import { selectSite } from '../../functions/export/prepare-sites.ts';
import { printDiff } from '../audit-output.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import { type GlobalOptions, runIdsNamed } from '../options.ts';

interface DiffOptions extends GlobalOptions {
  site: string;
  from: string;
  to: string;
  store?: string;
  allowIncomplete?: boolean;
}

/** What `rollcall diff` does once commander has read its flags. */
export async function diffAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<DiffOptions>();
  const context = await createContext(options.config, io, clients);
  const site = selectSite(context.loaded.config, options.site, context.configName);
  const store = context.store(options.store);
  const [from = '', to = ''] = await runIdsNamed(store, site.id, [
    [options.from, '--from'],
    [options.to, '--to'],
  ]);
  const result = await diffRuns(site, from, to, { allowIncomplete: options.allowIncomplete === true }, store);
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
}
