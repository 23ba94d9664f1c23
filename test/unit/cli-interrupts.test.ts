import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { interruptSource } from '../../cli/shell.ts';

/** A process to signal: it records the exit code it was asked to end with instead of ending. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    exits,
    signal: (name: NodeJS.Signals) => emitter.emit(name, name),
    process: {
      on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
      exit: (code?: number) => {
        exits.push(code ?? 0);
      },
    } as unknown as Pick<NodeJS.Process, 'on' | 'exit'>,
  };
}

describe('Ctrl-C in the CLI', () => {
  it('stops a command that does not watch at once, with the shell’s code for the signal', () => {
    const fake = fakeProcess();
    interruptSource(fake.process, { write: () => true });
    fake.signal('SIGINT');
    fake.signal('SIGTERM');
    expect(fake.exits).toEqual([130, 143]);
  });

  it('asks a watching command to stop, says so, and stops the process at the second', async () => {
    const fake = fakeProcess();
    let said = '';
    const interrupts = interruptSource(fake.process, { write: (text: string) => (said += text) });
    const aborted = await interrupts.during(async (signal) => {
      fake.signal('SIGINT');
      expect(fake.exits).toEqual([]);
      const first = signal.aborted;
      fake.signal('SIGINT');
      return first;
    });
    expect(aborted).toBe(true);
    expect(said).toContain('rollcall: interrupted — stopping at the next request');
    expect(fake.exits).toEqual([130]);
    // Once the watched work is over, Ctrl-C stops the process at once again.
    fake.signal('SIGINT');
    expect(fake.exits).toEqual([130, 130]);
  });
});
