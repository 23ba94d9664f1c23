import type { Command } from 'commander';
import type { SiteAuditResult } from '../../functions/audit/audit-site.ts';
import { auditSites } from '../../functions/audit/audit-sites.ts';
import type { Severity } from '../../functions/audit/model.ts';
import { evidenceWriter } from '../../functions/evidence/write-evidence.ts';
import { selectSites } from '../../functions/export/prepare-sites.ts';
import { resolveRun } from '../../functions/runs/resolve-run.ts';
import { parseRunName } from '../../functions/runs/run-name.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { auditExitCode, printAudits, printFailOnReached } from '../audit-output.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import type { GlobalOptions } from '../options.ts';
import { registryProviderFacts } from '../provider-facts.ts';

interface AuditOptions extends GlobalOptions {
  site: string[];
  store?: string;
  run?: string;
  failOn?: Severity;
  allowIncomplete?: boolean;
}

/** What `rollcall audit` does once commander has read its flags. */
export async function auditAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<AuditOptions>();
  const context = await createContext(options.config, io, clients);
  const sites = selectSites(context.loaded.config, options.site, context.configName);
  const store = context.store(options.store);
  const deps = {
    store,
    toolVersion: TOOL_VERSION,
    providerFacts: registryProviderFacts,
    writeEvidence: evidenceWriter(store, TOOL_VERSION, clients.clock ?? systemClock, {
      privilegeFallback: (provider) => registryProviderFacts(provider)?.capabilities.privilege,
    }),
  };
  const allowIncomplete = options.allowIncomplete === true;
  const results: SiteAuditResult[] = [];
  for (const site of sites) {
    // A run name is resolved per site: `previous` or a date is a different run id on each.
    const name = options.run === undefined ? undefined : parseRunName(options.run, '--run', site.id);
    const resolved = name === undefined ? undefined : await resolveRun(store, site.id, name);
    if (resolved?.status === 'missing')
      results.push({ site: site.id, status: 'missing', reason: resolved.reason });
    else
      results.push(
        ...(await auditSites(
          [site],
          { ...(resolved === undefined ? {} : { runId: resolved.runId }), allowIncomplete },
          deps,
        )),
      );
  }
  if (options.json)
    io.stdout.write(toJson({ ok: results.every((r) => r.status === 'audited'), sites: results }));
  else printAudits(io, results, options.debug === true);
  const code = auditExitCode(results, options.failOn);
  if (code === exitCodes.findingsAtOrAbove && options.failOn !== undefined)
    printFailOnReached(io, results, options.failOn);
  setExit(code);
}
