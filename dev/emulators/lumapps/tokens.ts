import { randomBytes } from 'node:crypto';

interface Grant {
  readonly email: string;
  expiresAtMs: number;
}

/** Bearer tokens handed out by the application-token endpoint, each for one user and a time. */
export class TokenRegistry {
  private readonly grants = new Map<string, Grant>();
  issued = 0;

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(email: string): { accessToken: string; expiresIn: number } {
    // Random rather than seeded: tokens are secrets, and nothing in a test should depend on one.
    const accessToken = `lat.${randomBytes(24).toString('base64url')}`;
    this.grants.set(accessToken, { email, expiresAtMs: this.now() + this.ttlSeconds * 1000 });
    this.issued += 1;
    return { accessToken, expiresIn: this.ttlSeconds };
  }

  /** The user a live token acts as; undefined for an unknown or expired token. */
  check(token: string): string | undefined {
    const grant = this.grants.get(token);
    if (grant === undefined) return undefined;
    if (this.now() >= grant.expiresAtMs) {
      this.grants.delete(token);
      return undefined;
    }
    return grant.email;
  }

  /** Every token issued so far stops working, as if its `expires_in` had run out. */
  expireAll(): void {
    this.grants.clear();
  }
}
