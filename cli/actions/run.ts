import type { Command } from 'commander';
import type { SiteAuditResult } from '../../functions/audit/audit-site.ts';
import { auditSites } from '../../functions/audit/audit-sites.ts';
import type { Severity } from '../../functions/audit/model.ts';
import { evidenceWriter } from '../../functions/evidence/write-evidence.ts';
import { selectSites } from '../../functions/export/prepare-sites.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { auditExitCode, printAudits, printFailOnReached } from '../audit-output.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import { registryProviderFacts } from '../provider-facts.ts';
import { type ExportOptions, exportSelectedSites } from './export.ts';

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

/** What `rollcall run` does once commander has read its flags. */
export async function runAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<RunOptions>();
  const context = await createContext(options.config, io, clients);
  const exported = await exportSelectedSites(options, context, io, clients);
  if (!options.json) io.stdout.write('\n');
  const completeSites = exported.sites.filter((site) => site.status === 'complete').map((site) => site.site);
  // An incomplete export is audited only on request, like `audit --allow-incomplete`.
  const toAudit = exported.sites
    .filter((site) => site.status === 'complete' || (site.status === 'incomplete' && options.allowIncomplete))
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
            writeEvidence: evidenceWriter(store, TOOL_VERSION, clients.clock ?? systemClock, {
              privilegeFallback: (provider) => registryProviderFacts(provider)?.capabilities.privilege,
            }),
          },
        );
  if (options.json) io.stdout.write(toJson({ export: exported, audit: audits }));
  else printAudits(io, audits, options.debug === true);
  const codes = [
    completeSites.length === exported.sites.length ? exitCodes.ok : exitCodes.siteFailed,
    auditExitCode(audits, options.failOn),
  ];
  const code = EXIT_PRECEDENCE.find((candidate) => codes.includes(candidate)) ?? exitCodes.ok;
  if (code === exitCodes.findingsAtOrAbove && options.failOn !== undefined)
    printFailOnReached(io, audits, options.failOn);
  setExit(code);
}
