import type { CliClients } from '../../cli/context.ts';
import { runCli } from '../../cli/run-cli.ts';

/** What a user sees of one command: its exit code and everything it printed. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  /** The command's working directory: `--config` and `--store` resolve against it. */
  readonly cwd: string;
  /** The command's whole environment (nothing of this process's is passed on). Default empty. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default: `sleep` that does not wait, so retries and `Retry-After` cost no time. */
  readonly clients?: CliClients;
}

/** Runs `rollcall <argv>` in this process, with stdout and stderr captured as strings (not terminals). */
export async function runRollcall(argv: readonly string[], options: CliRunOptions): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      stdout: { write: (text: string) => (stdout += text), isTTY: false },
      stderr: { write: (text: string) => (stderr += text), isTTY: false },
      env: options.env ?? {},
      cwd: options.cwd,
    },
    { sleep: async () => {}, ...options.clients },
  );
  return { code, stdout, stderr };
}
