/** What the process around the CLI decides before a command runs: where it was typed, what a closed pipe and Ctrl-C mean. */
import type { InterruptSource } from './context.ts';

/**
 * The directory relative paths (`--config`, `--store`, `--spill-dir`) resolve against. `npm run
 * rollcall` runs in the checkout's root; npm records where the user typed the command in INIT_CWD.
 * Only rollcall's own script is taken at its word: the installed command run from another
 * package's script works where that script runs it.
 */
export function invocationDirectory(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const typedIn = env.INIT_CWD;
  const ownScript = env.npm_lifecycle_event === 'rollcall' && env.npm_package_name === 'rollcall';
  return ownScript && typedIn !== undefined && typedIn !== '' ? typedIn : cwd;
}

/**
 * `rollcall runs | head`: once the reader has gone, further output is dropped instead of
 * crashing with a stack trace, and the command still ends with its own exit code.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // After EPIPE the stream is destroyed, and a later write reports that instead.
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

/**
 * Ctrl-C (or SIGTERM) while a command that watches for it runs: the first asks it to stop at its
 * next request, keeping what it read so that the same command resumes it; a second stops the
 * process at once. A command that does not watch is stopped at once, as without this.
 */
export function interruptSource(
  process: Pick<NodeJS.Process, 'on' | 'exit'>,
  stderr: { write(text: string): unknown },
): InterruptSource {
  let watching: AbortController | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const exitCode = signal === 'SIGINT' ? 130 : 143;
    if (watching === undefined || watching.signal.aborted) process.exit(exitCode);
    else {
      stderr.write(
        '\nrollcall: interrupted — stopping at the next request and keeping what was read, so that the same command resumes it (again to stop at once)\n',
      );
      watching.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    async during(work) {
      const controller = new AbortController();
      watching = controller;
      try {
        return await work(controller.signal);
      } finally {
        if (watching === controller) watching = undefined;
      }
    },
  };
}
