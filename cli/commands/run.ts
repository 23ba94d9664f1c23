import type { Command } from 'commander';
import type { SiteAuditResult } from '../../functions/audit/audit-site.ts';
import { auditSites } from '../../functions/audit/audit-sites.ts';
import type { Severity } from '../../functions/audit/model.ts';
import { evidenceWriter } from '../../functions/evidence/write-evidence.ts';
import { selectSites } from '../../functions/export/prepare-sites.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { auditExitCode, printAudits } from '../audit-output.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import { collect } from '../options.ts';
import { registryProviderFacts } from '../provider-facts.ts';
import { auditFlags } from './audit.ts';
import { type ExportOptions, exportSelectedSites, spillFlags } from './export.ts';

interface RunOptions extends ExportOptions {
  failOn?: Severity;
  allowIncomplete?: boolean;
}

/** Exit codes by precedence: config mistakes, then failures, then findings. */
const EXIT_PRECEDENCE: readonly number[] = [
  exitCodes.usage,
  exitCodes.siteFailed,
  exitCodes.findingsAtOrAbove,
];

export function registerRun(
  program: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
) {
  const command = program
    .command('run')
    .description('export the selected sites, then audit each complete export: what the nightly schedule does')
    .option('--site <id>', 'only this site (repeatable)', collect, [])
    .option('--store <uri>', 'use this store instead of the config file’s')
    .option('--as-of <iso>', 'the scheduled time of the run (default: now)');
  auditFlags(spillFlags(command)).action(async (_options, command: Command) => {
    const options = command.optsWithGlobals<RunOptions>();
    const context = await createContext(options.config, io, clients);
    const exported = await exportSelectedSites(options, context, io, clients);
    if (!options.json) io.stdout.write('\n');
    const completeSites = exported.sites
      .filter((site) => site.status === 'complete')
      .map((site) => site.site);
    // An incomplete export is audited only on request, like `audit --allow-incomplete`.
    const toAudit = exported.sites
      .filter(
        (site) => site.status === 'complete' || (site.status === 'incomplete' && options.allowIncomplete),
      )
      .map((site) => site.site);
    const store = context.store(options.store);
    const audits: SiteAuditResult[] =
      toAudit.length === 0
        ? []
        : await auditSites(
            selectSites(context.loaded.config, toAudit, context.configName),
            { runId: exported.runId, allowIncomplete: options.allowIncomplete === true },
            {
              store,
              toolVersion: TOOL_VERSION,
              providerFacts: registryProviderFacts,
              writeEvidence: evidenceWriter(store, TOOL_VERSION, clients.clock ?? systemClock),
            },
          );
    if (options.json) io.stdout.write(toJson({ export: exported, audit: audits }));
    else printAudits(io, audits, options.debug === true);
    const codes = [
      completeSites.length === exported.sites.length ? exitCodes.ok : exitCodes.siteFailed,
      auditExitCode(audits, options.failOn),
    ];
    setExit(EXIT_PRECEDENCE.find((code) => codes.includes(code)) ?? exitCodes.ok);
  });
}
