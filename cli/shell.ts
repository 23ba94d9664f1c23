/** What the process around the CLI decides before a command runs: where it was typed, what a closed pipe means. */

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
