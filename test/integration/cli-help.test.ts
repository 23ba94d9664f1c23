import { describe, expect, it } from 'vitest';
import { runRollcall } from '../support/cli.ts';

/** Every command, its own flags, and those of them a user must give (they have no default). */
const COMMANDS: Record<string, { flags: readonly string[]; required: readonly string[] }> = {
  export: {
    flags: [
      '--site',
      '--store',
      '--as-of',
      '--spill-dir',
      '--sort-memory',
      '--checkpoint-seconds',
      '--restart',
      '--slice-seconds',
    ],
    required: [],
  },
  audit: { flags: ['--site', '--store', '--run', '--fail-on', '--allow-incomplete'], required: [] },
  run: {
    flags: [
      '--site',
      '--store',
      '--as-of',
      '--spill-dir',
      '--sort-memory',
      '--checkpoint-seconds',
      '--fail-on',
      '--allow-incomplete',
    ],
    required: [],
  },
  diff: {
    flags: ['--site', '--from', '--to', '--store', '--allow-incomplete'],
    required: ['--site', '--from', '--to'],
  },
  history: {
    flags: ['--site', '--user', '--group', '--store', '--no-members'],
    required: ['--site', '--user', '--group'],
  },
  restore: {
    flags: [
      '--site',
      '--from',
      '--user',
      '--group',
      '--deleted-since',
      '--memberships',
      '--apply',
      '--max',
      '--invited-by',
      '--store',
    ],
    required: ['--site', '--from'],
  },
  validate: { flags: ['--site', '--store'], required: [] },
  runs: { flags: ['--site', '--store'], required: ['--site'] },
  share: { flags: ['--site', '--run', '--expires', '--store'], required: ['--site', '--run'] },
};
const GLOBAL_FLAGS = ['--config', '--json', '--debug'];

/** The help's option entries: each flag with its description, wrapped lines joined. */
function optionEntries(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of help.split('\n')) {
    const start = /^ {2}(?:-\w, )?(--[\w-]+)/.exec(line);
    if (start?.[1]) {
      current = start[1];
      entries.set(current, line.trim());
    } else if (current && /^ {4,}\S/.test(line))
      entries.set(current, `${entries.get(current)} ${line.trim()}`);
    else current = undefined;
  }
  return entries;
}

describe('every command’s --help', () => {
  it('lists the commands, runs among them', async () => {
    const help = await runRollcall(['--help'], { cwd: process.cwd() });
    expect(help.code).toBe(0);
    for (const name of Object.keys(COMMANDS))
      expect(help.stdout).toMatch(new RegExp(`^  ${name} \\[options\\]`, 'm'));
  });

  it.each(Object.entries(COMMANDS))(
    '%s: every flag with its default, an example and the exit codes',
    async (name, spec) => {
      const help = await runRollcall([name, '--help'], { cwd: process.cwd() });

      expect(help.code).toBe(0);
      expect(help.stderr).toBe('');
      const entries = optionEntries(help.stdout);
      expect([...entries.keys()].sort()).toEqual(
        [...spec.flags, ...GLOBAL_FLAGS, '--help', '--version'].sort(),
      );
      for (const [flag, text] of entries) {
        if (spec.required.includes(flag) || flag === '--help' || flag === '--version') continue;
        expect(text, `${name} ${flag}`).toMatch(/default/);
      }
      expect(entries.get('--config')).toContain('(default: "rollcall.config.json")');
      expect(help.stdout).toMatch(new RegExp(`\\nExample:\\n  rollcall ${name} --\\S+`));
      const codes = help.stdout.split('\nExit codes:\n')[1] ?? '';
      expect(codes).toMatch(/^ {2}0 {2}\S/m);
      expect(codes).toMatch(/^ {2}2 {2}usage or config error, or missing AWS set-up/m);
    },
  );

  it('validate checks only the sites named with --site', async () => {
    const run = await runRollcall(['validate', '--site', 'nope'], { cwd: process.cwd() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rollcall: rollcall\.config\.json: file not found/);
  });
});
