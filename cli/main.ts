import { runCli } from './run-cli.ts';
import { interruptSource, invocationDirectory, quietOnClosedPipe } from './shell.ts';

quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
process.exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: invocationDirectory(process.env, process.cwd()),
  },
  { interrupts: interruptSource(process, process.stderr) },
);
