import type { Command } from 'commander';
import { selectSite } from '../../functions/export/prepare-sites.ts';
import type { HistorySubject } from '../../functions/history/model.ts';
import { siteHistory } from '../../functions/history/site-history.ts';
import { ConfigError } from '../../functions/shared/errors.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { printHistory } from '../history-output.ts';
import { type CliIo, exitCodes } from '../io.ts';
import type { GlobalOptions } from '../options.ts';

interface HistoryOptions extends GlobalOptions {
  site: string;
  user?: string;
  group?: string;
  store?: string;
  members: boolean;
}

/** What `rollcall history` does once commander has read its flags. */
export async function historyAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<HistoryOptions>();
  const subject = subjectOf(options);
  const context = await createContext(options.config, io, clients);
  const site = selectSite(context.loaded.config, options.site, context.configName);
  const result = await siteHistory(
    site.id,
    subject,
    { members: options.members },
    context.store(options.store),
  );
  if (options.json) {
    if (result.status === 'found') io.stdout.write(toJson(result.history));
    else io.stdout.write(toJson(result));
  } else if (result.status === 'found') printHistory(io, result.history);
  else {
    io.stderr.write(`${result.reason}\n`);
    if (options.debug && result.status === 'failed' && result.error instanceof Error && result.error.stack)
      io.stderr.write(`${result.error.stack}\n`);
  }
  setExit(
    result.status === 'found'
      ? exitCodes.ok
      : result.status === 'missing'
        ? exitCodes.usage
        : exitCodes.siteFailed,
  );
}

/** Exactly one of `--user` and `--group`, not empty. */
function subjectOf(options: HistoryOptions): HistorySubject {
  const { user, group } = options;
  if ((user === undefined) === (group === undefined))
    throw new ConfigError(
      'history: give exactly one of --user EMAIL_OR_ID and --group NAME (see rollcall history --help).',
    );
  const [flag, value] = user === undefined ? ['--group', group ?? ''] : ['--user', user];
  if (value.trim() === '') throw new ConfigError(`history: ${flag} is empty.`);
  return user === undefined ? { group: value } : { user: value };
}
