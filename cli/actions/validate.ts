import type { Command } from 'commander';
import { checkPrivilegedGroups } from '../../functions/audit/privileged-groups-check.ts';
import { selectSites } from '../../functions/export/prepare-sites.ts';
import { validateSites } from '../../functions/export/validate-sites.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import type { GlobalOptions } from '../options.ts';

interface ValidateOptions extends GlobalOptions {
  site: string[];
  store?: string;
}

/** What `rollcall validate` does once commander has read its flags. */
export async function validateAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<ValidateOptions>();
  const context = await createContext(options.config, io, clients);
  const sites = selectSites(context.loaded.config, options.site, context.configName);
  // An unusable store URI is a config mistake too; the store is only read, nothing is written.
  const store = context.store(options.store);
  const checks = await Promise.all(sites.map((site) => checkPrivilegedGroups(store, site)));
  const warnings = checks.flatMap((check) => check.warnings);
  const results = await context.inConfigFile(
    validateSites(sites, context.credentialSources, {
      ...(clients.fetch === undefined ? {} : { fetch: clients.fetch }),
      toolVersion: TOOL_VERSION,
      ...(clients.sleep === undefined ? {} : { sleep: clients.sleep }),
    }),
  );
  const ok = results.every((result) => result.status === 'ok');
  if (options.json) {
    io.stdout.write(toJson({ config: context.loaded.path, ok, sites: results, warnings }));
  } else {
    io.stdout.write(
      `${context.configName}: config is valid (${sites.length} site${sites.length === 1 ? '' : 's'}${options.site.length > 0 ? ' checked' : ''})\n`,
    );
    for (const result of results) {
      if (result.status === 'ok')
        io.stdout.write(`${result.site}: ok — credentials accepted by ${result.provider}\n`);
      else io.stderr.write(`${result.site}: FAILED — ${result.reason}\n`);
    }
    // Checked against the latest complete snapshot's groups: validate itself lists none.
    for (const warning of warnings) io.stdout.write(`WARNING: ${warning}\n`);
  }
  setExit(ok ? exitCodes.ok : exitCodes.siteFailed);
}
