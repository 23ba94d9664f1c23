import { awsSetupProblem } from '../shared/aws-problem.ts';
import { RollcallError } from '../shared/errors.ts';

/**
 * A store could not do what was asked. The message names the object (`s3://bucket/key` or a file
 * path) and the underlying problem, so a person can act on it without reading the cause chain.
 */
export class StoreError extends RollcallError {
  override readonly name = 'StoreError';
}

/** The cause's own message, for the one-line summary a StoreError carries; AWS set-up problems say what to set. */
export function describeCause(cause: unknown): string {
  const setup = awsSetupProblem(cause);
  if (setup !== undefined) return setup;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code}: ${cause.message}`
      : cause.message || cause.name;
  }
  return String(cause);
}
