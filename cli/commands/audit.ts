import { type Command, Option } from 'commander';
import type { SiteAuditResult } from '../../functions/audit/audit-site.ts';
import { auditSites } from '../../functions/audit/audit-sites.ts';
import { type Severity, severities } from '../../functions/audit/model.ts';
import { selectSites } from '../../functions/export/prepare-sites.ts';
import { resolveRun } from '../../functions/runs/resolve-run.ts';
import { parseRunName } from '../../functions/runs/run-name.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { auditExitCode, printAudits, printFailOnReached } from '../audit-output.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { runFlagHelp, siteListOption, storeFlag, USAGE_EXIT, withHelp } from '../help.ts';
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

/** `--fail-on` and `--allow-incomplete`, shared by `audit` and `run`. */
export function auditFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 3 when a FAIL finding at or above this severity (or a suspect mass change) is found (default: exit 0 whatever is found)',
      ).choices(severities),
    )
    .option(
      '--allow-incomplete',
      'audit an incomplete snapshot, or one whose files do not match its manifest; every report then says so (default: refuse, exit 1)',
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
    .addOption(siteListOption('audit only this site'));
  storeFlag(command, 'read and write').option(
    '--run <run>',
    runFlagHelp('the run to audit (default: latest, each site’s latest complete run)'),
  );
  withHelp(auditFlags(command), {
    example: 'rollcall audit --site acme --run previous --fail-on high',
    exitCodes: AUDIT_EXIT_CODES,
  }).action(async (_options, command: Command) => {
    const options = command.optsWithGlobals<AuditOptions>();
    const context = await createContext(options.config, io, clients);
    const sites = selectSites(context.loaded.config, options.site, context.configName);
    const store = context.store(options.store);
    const deps = { store, toolVersion: TOOL_VERSION, providerFacts: registryProviderFacts };
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
  });
}

/** `audit` and `run` end the same way once the audits are done. */
export const AUDIT_EXIT_CODES = [
  [0, 'every selected site was audited (and nothing reached --fail-on)'],
  [
    1,
    'a site could not be audited: its snapshot is incomplete, does not match its manifest, or could not be read',
  ],
  USAGE_EXIT,
  [2, 'nothing to audit: the site has no such run (the message lists the runs it has)'],
  [3, '--fail-on SEVERITY: a FAIL finding at or above it, or a suspect mass change, was found'],
] as const;
