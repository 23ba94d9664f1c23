/** What a CLI run may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export const exitCodes = {
  ok: 0,
  siteFailed: 1,
  usage: 2,
  findingsAtOrAbove: 3,
} as const;
