/**
 * Typed errors. Every message is written for the person running rollcall: it names the file,
 * key or site and says what to check. Messages never contain a secret.
 */
export class RollcallError extends Error {
  override readonly name: string = 'RollcallError';
}

/** Bad configuration, usage or credential format: exit code 2. */
export class ConfigError extends RollcallError {
  override readonly name = 'ConfigError';
}

export type SiteFailureKind =
  | 'auth' // 401/403: wrong key, wrong site name
  | 'disabled' // 404 on every route: the API is not enabled for the site
  | 'unreachable' // DNS, refused connection, timeouts after retries
  | 'server' // persistent 5xx or 429 after retries
  | 'protocol' // a response that does not match the documented shape
  | 'credentials' // the secret store could not be read
  | 'store' // the snapshot could not be written
  | 'busy' // another export or restore holds the lease on the same run or site
  | 'too-large'; // the export outgrew its slices: replaying what was read takes most of each one

/** One site could not be exported: exit code 1, other sites carry on. */
export class SiteError extends RollcallError {
  override readonly name = 'SiteError';
  constructor(
    readonly kind: SiteFailureKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
