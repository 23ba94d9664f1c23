import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed command as a shell starts it, `node bin/rollcall.js` (the bundle the test set-up
 * built), as a child process a test can kill at any moment: with SIGKILL nothing of it runs on,
 * no `finally`, no flush, exactly as when a machine loses power.
 */
const repository = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repository, 'bin', 'rollcall.js');

/** How one process ended: its exit code, or the signal that killed it, and what it printed. */
export interface ProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RollcallProcess {
  /** Kills it now (SIGKILL); it ends at once, whatever it was doing. */
  kill(): void;
  /** Resolves when it has exited; a process still running after `timeoutMs` is killed and rejects. */
  readonly ended: Promise<ProcessRun>;
}

export interface RollcallProcesses {
  start(argv: readonly string[], options: { cwd: string; env: Record<string, string> }): RollcallProcess;
  /** Kills every process still running and waits for them to exit: call it in afterEach. */
  killAll(): Promise<void>;
}

export function rollcallProcesses(timeoutMs: number): RollcallProcesses {
  const running = new Set<ChildProcess>();
  return {
    start(argv, { cwd, env }) {
      const child = spawn(process.execPath, [bin, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      running.add(child);
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      void exited.then(() => running.delete(child));
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const ended = new Promise<ProcessRun>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`rollcall ${argv.join(' ')} was still running after ${timeoutMs} ms:\n${stderr}`));
        }, timeoutMs);
        // 'close': the output pipes are drained too, so nothing it printed is missed.
        child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr });
        });
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
      return { kill: () => child.kill('SIGKILL'), ended };
    },
    async killAll() {
      const children = [...running];
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(
        children.map((child) =>
          child.exitCode !== null || child.signalCode !== null ? undefined : once(child, 'exit'),
        ),
      );
    },
  };
}
