import { type Command, Option } from 'commander';
import { auditSites } from '../../functions/audit/audit-sites.ts';
import { type Severity, severities } from '../../functions/audit/model.ts';
import { evidenceWriter } from '../../functions/evidence/write-evidence.ts';
import { selectSites } from '../../functions/export/prepare-sites.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { auditExitCode, printAudits } from '../audit-output.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import type { CliIo } from '../io.ts';
import { collect, type GlobalOptions, parseRunId } from '../options.ts';
import { registryProviderFacts } from '../provider-facts.ts';

interface AuditOptions extends GlobalOptions {
  site: string[];
  store?: string;
  run?: string;
  failOn?: Severity;
  allowIncomplete?: boolean;
}

/** `--fail-on` and `--allow-incomplete`, shared by `audit` and `run`. */
export function auditFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 3 when a FAIL finding at or above this severity (or a suspect mass change) is found',
      ).choices(severities),
    )
    .option(
      '--allow-incomplete',
      'audit an incomplete snapshot, or one whose files do not match its manifest; every report then says so',
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
    .option('--site <id>', 'audit only this site (repeatable)', collect, [])
    .option('--store <uri>', 'read and write this store instead of the config file’s')
    .option('--run <runId>', 'the run to audit, e.g. 20261122T020000Z (default: the latest complete run)');
  auditFlags(command).action(async (_options, command: Command) => {
    const options = command.optsWithGlobals<AuditOptions>();
    const context = await createContext(options.config, io, clients);
    const sites = selectSites(context.loaded.config, options.site, context.configName);
    const runId = options.run === undefined ? undefined : parseRunId(options.run, '--run');
    const store = context.store(options.store);
    const results = await auditSites(
      sites,
      { ...(runId === undefined ? {} : { runId }), allowIncomplete: options.allowIncomplete === true },
      {
        store,
        toolVersion: TOOL_VERSION,
        providerFacts: registryProviderFacts,
        writeEvidence: evidenceWriter(store, TOOL_VERSION, clients.clock ?? systemClock),
      },
    );
    if (options.json)
      io.stdout.write(toJson({ ok: results.every((r) => r.status === 'audited'), sites: results }));
    else printAudits(io, results, options.debug === true);
    setExit(auditExitCode(results, options.failOn));
  });
}
