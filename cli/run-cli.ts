import { Command, CommanderError } from 'commander';
import { awsSetupProblem } from '../functions/shared/aws-problem.ts';
import { ConfigError, RollcallError } from '../functions/shared/errors.ts';
import { TOOL_VERSION } from '../functions/shared/tool-version.ts';
import { registerAudit } from './commands/audit.ts';
import { registerDiff } from './commands/diff.ts';
import { registerExport } from './commands/export.ts';
import { registerHistory } from './commands/history.ts';
import { registerRestore } from './commands/restore.ts';
import { registerRun } from './commands/run.ts';
import { registerRuns } from './commands/runs.ts';
import { registerShare } from './commands/share.ts';
import { registerValidate } from './commands/validate.ts';
import type { CliClients } from './context.ts';
import { type CliIo, exitCodes } from './io.ts';

/**
 * Runs one rollcall command and returns its exit code: 0 success, 1 a site failed or is
 * incomplete, 2 usage/config/credential-format error. Never throws; no stack trace unless --debug.
 */
export async function runCli(argv: readonly string[], io: CliIo, clients: CliClients = {}): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = new Command('rollcall')
    .description('Nightly, provable backups and audits of who has access to your SaaS sites.')
    .version(TOOL_VERSION)
    .option('--config <file>', 'the config file', 'rollcall.config.json')
    .option('--json', 'print one JSON document on stdout instead of text (default: text for people)')
    .option('--debug', 'print stack traces of unexpected errors (default: one line per error)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  const setExit = (code: number) => {
    exitCode = code;
  };
  // Each command registers only its flags and help here; its work is in cli/actions/ and is
  // imported when it runs, so `--help` and a mistyped flag never load the AWS SDK.
  registerExport(program, io, clients, setExit);
  registerAudit(program, io, clients, setExit);
  registerRun(program, io, clients, setExit);
  registerDiff(program, io, clients, setExit);
  registerHistory(program, io, clients, setExit);
  registerRestore(program, io, clients, setExit);
  registerValidate(program, io, clients, setExit);
  registerRuns(program, io, clients, setExit);
  registerShare(program, io, clients, setExit);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`rollcall: ${error.message}\n`);
      return exitCodes.usage;
    }
    if (error instanceof RollcallError) {
      // rollcall's own errors already say what failed and what to check.
      io.stderr.write(`rollcall: ${error.message}\n`);
      if (argv.includes('--debug') && error.stack) io.stderr.write(`${error.stack}\n`);
      // Missing AWS set-up is fixed like a config mistake, not by running again.
      return awsSetupProblem(error) === undefined ? exitCodes.siteFailed : exitCodes.usage;
    }
    io.stderr.write(
      `rollcall: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (argv.includes('--debug') && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    else io.stderr.write('Run again with --debug for details.\n');
    return exitCodes.siteFailed;
  }
}
