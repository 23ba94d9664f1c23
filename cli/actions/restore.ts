import type { Command } from 'commander';
import { selectSite } from '../../functions/export/prepare-sites.ts';
import type { StepResult } from '../../functions/restore/apply-plan.ts';
import { ONLY_ADDS } from '../../functions/restore/cannot-restore.ts';
import { type RestoreOutcome, restoreSite } from '../../functions/restore/restore-site.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { ConfigError, RollcallError } from '../../functions/shared/errors.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { type CliClients, createContext } from '../context.ts';
import { toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import { type GlobalOptions, runIdsNamed } from '../options.ts';

interface RestoreOptions extends GlobalOptions {
  site: string;
  from: string;
  user: string[];
  group: string[];
  deletedSince?: string;
  memberships?: boolean;
  apply?: boolean;
  max?: string;
  invitedBy?: string;
  store?: string;
}

/** What `rollcall restore` does once commander has read its flags. */
export async function restoreAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<RestoreOptions>();
  const context = await createContext(options.config, io, clients);
  const site = selectSite(context.loaded.config, options.site, context.configName);
  const store = context.store(options.store);
  const [fromRunId = '', deletedSinceRunId] = await runIdsNamed(store, site.id, [
    [options.from, '--from'],
    ...(options.deletedSince === undefined ? [] : [[options.deletedSince, '--deleted-since'] as const]),
  ]);
  if (options.user.length === 0 && options.group.length === 0 && !deletedSinceRunId && !options.memberships) {
    throw new ConfigError(
      'restore needs a selection: --user, --group, --deleted-since RUN or --memberships (any together).',
    );
  }
  const actorEmail = options.invitedBy ?? site.restore.invitedByEmail;
  let outcome: RestoreOutcome;
  try {
    outcome = await context.inConfigFile(
      restoreSite(
        site,
        {
          fromRunId,
          users: options.user,
          groups: options.group,
          ...(deletedSinceRunId === undefined ? {} : { deletedSinceRunId }),
          memberships: options.memberships === true,
          apply: options.apply === true,
          ...(options.max === undefined ? {} : { maxUsers: parseMax(options.max) }),
          ...(actorEmail === undefined ? {} : { actorEmail }),
        },
        {
          store,
          clock: clients.clock ?? systemClock,
          credentialSources: context.credentialSources,
          toolVersion: TOOL_VERSION,
          ...(clients.fetch === undefined ? {} : { fetch: clients.fetch }),
          ...(clients.sleep === undefined ? {} : { sleep: clients.sleep }),
        },
      ),
    );
  } catch (error) {
    if (error instanceof ConfigError || !(error instanceof RollcallError)) throw error;
    io.stderr.write(`rollcall: ${error.message}\n`);
    setExit(exitCodes.siteFailed);
    return;
  }
  if (options.json) io.stdout.write(toJson(outcome));
  else printRestore(io, outcome);
  setExit(outcome.status === 'complete' ? exitCodes.ok : exitCodes.siteFailed);
}

function parseMax(value: string): number {
  const max = Number(value);
  if (!Number.isInteger(max) || max < 0)
    throw new ConfigError(`--max: "${value}" is not a whole number of users.`);
  return max;
}

const MARKS: Record<StepResult['status'], string> = {
  done: 'done',
  exists: 'already there',
  validated: 'ok',
  rejected: 'REFUSED',
  failed: 'FAILED',
  'not-attempted': 'not attempted',
};

function printRestore(io: CliIo, outcome: RestoreOutcome): void {
  const { plan, results } = outcome;
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const mode =
    outcome.mode === 'apply'
      ? 'APPLY'
      : outcome.validation === 'server'
        ? 'DRY RUN — every call validated by the site (test_mode=true), nothing changed'
        : 'DRY RUN — checked against the live site by rollcall, nothing sent';
  out(`rollcall restore · site ${outcome.site} · from run ${outcome.fromRunId} · ${mode}`);
  out(`into ${outcome.origin}`);
  out();
  if (plan.steps.length === 0) {
    out('Nothing to restore: everything selected exists on the site as it was in the snapshot.');
  } else {
    const { counts } = plan;
    out(
      `Plan: ${counts.groupsToCreate} group(s) to create, ${counts.usersToCreate} user(s) to create, ${counts.usersToEnable} to enable, ${counts.membershipsToAdd} membership(s) to add.`,
    );
    const width = String(plan.steps.length).length;
    for (const result of results) {
      const detail = 'detail' in result && result.detail ? ` — ${result.detail}` : '';
      out(
        `  ${String(result.number).padStart(width)}. ${result.summary}  [${MARKS[result.status]}${detail}]`,
      );
    }
  }
  if (plan.skipped.length > 0) {
    out();
    out('Not in the plan:');
    for (const { subject, reason } of plan.skipped) out(`  ${subject}: ${reason}`);
  }
  out();
  out('What a restore cannot put back:');
  for (const item of plan.cannotRestore) out(`  - ${item}`);
  out(ONLY_ADDS);
  out();
  if (outcome.mode === 'dry-run') {
    if (plan.steps.length > 0) out('Nothing was changed. Run again with --apply to execute this plan.');
  } else {
    const done = results.filter((result) => result.status === 'done' || result.status === 'exists').length;
    out(`Applied ${done} of ${plan.steps.length} step(s). Record: ${outcome.record ?? '(none)'}`);
    if (outcome.status === 'partial') {
      out(
        'Some steps did not complete; fix the cause and run the same command again: it plans only what is still missing.',
      );
    }
  }
}
