import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { Clock } from '../shared/clock.ts';
import { SiteError } from '../shared/errors.ts';
import type { ObjectStore, TaggedObject, WriteCondition } from './port.ts';
import { describeCause } from './store-error.ts';

/**
 * A lease: the right to write one thing (a run, a site's restores) for a limited time, held in
 * one small object that only conditional writes change. Taking it creates the object
 * (`If-None-Match: *`) or replaces a released or expired one (`If-Match` with the tag read), so
 * of several writers exactly one wins; the holder renews it while it works and releases it at
 * the end. A holder that dies stops renewing, and its lease is taken over once it expires: no
 * lock outlives its holder by more than `ttlMs`.
 */
export interface LeaseOptions {
  readonly store: ObjectStore;
  /** The lease object's key. */
  readonly key: string;
  readonly clock: Clock;
  /** The site whose work the lease guards: a store failure is that site's `store` failure. */
  readonly site: string;
  /** What the lease guards, for messages: "run 20261122T020000Z of site acme". */
  readonly subject: string;
  /** What holds it, for messages: "export", "restore". */
  readonly purpose: string;
  /** How long a lease lives without renewal; default 5 minutes. */
  readonly ttlMs?: number;
  /** How long to wait (sleeping) for a lease another writer holds before refusing; default 10 s. */
  readonly waitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Take the lease as this holder: also when that holder still holds it unexpired. A sliced
   * export's next slice passes the token its previous slice recorded in the checkpoint.
   */
  readonly resumeAs?: string;
}

export const DEFAULT_LEASE_TTL_MS = 5 * 60_000;
export const DEFAULT_LEASE_WAIT_MS = 10_000;
/** A conditional write that keeps losing to others is a store problem, not a queue to wait in. */
const MAX_ATTEMPTS = 50;

const leaseSchema = z.strictObject({
  holder: z.string(),
  purpose: z.string(),
  acquiredAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  released: z.boolean(),
});
type LeaseDocument = z.infer<typeof leaseSchema>;

/** Another writer holds the lease: exit 1 in the CLI, retried later by the state machine. */
export class LeaseHeldError extends SiteError {
  constructor(
    readonly subject: string,
    readonly heldBy: { readonly purpose: string; readonly since: string; readonly expiresAt: string },
  ) {
    super(
      'busy',
      `${subject} is being written by another ${heldBy.purpose} since ${heldBy.since}; try again when it has finished (if it has stopped, its lease expires at ${heldBy.expiresAt}).`,
    );
  }
}

/** This writer's lease was taken over (it did not renew in time): it must not write on. */
export class LeaseLostError extends SiteError {
  constructor(subject: string, problem: string) {
    super('busy', `${subject}: this ${problem}; nothing more was written, run it again.`);
  }
}

export interface Lease {
  /** Who holds it: the token a later slice of the same export resumes the lease with. */
  readonly holder: string;
  /**
   * Keeps the lease for a later slice of the same work: stops renewing it without releasing it,
   * so other writers stay refused until it expires or the holder resumes it (`resumeAs`).
   */
  handOver(): void;
  /** Renews the lease now; throws LeaseLostError when another writer has taken it over. */
  confirm(): Promise<void>;
  /** Marks the lease released (conditionally: only if still ours) and stops renewing it. */
  release(): Promise<void>;
}

/** Runs `work` while holding the lease; releases it whatever happens. */
export async function withLease<T>(options: LeaseOptions, work: (lease: Lease) => Promise<T>): Promise<T> {
  const lease = await acquireLease(options);
  try {
    return await work(lease);
  } finally {
    await lease.release();
  }
}

export async function acquireLease(options: LeaseOptions): Promise<Lease> {
  const { store, key, clock } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const holder = options.resumeAs ?? randomBytes(12).toString('hex');
  const waitMs = options.waitMs ?? DEFAULT_LEASE_WAIT_MS;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    const current = await storeCall(options, () => store.getTagged(key));
    const existing = current && parseLease(current);
    const now = clock.now();
    const free =
      !current ||
      !existing ||
      existing.released ||
      existing.holder === options.resumeAs ||
      Date.parse(existing.expiresAt) <= now.getTime();
    if (free) {
      const document = leaseDocument(holder, options.purpose, now, ttlMs);
      const etag = await writeLease(
        options,
        document,
        current ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
      );
      if (etag !== undefined) return new HeldLease(options, document, etag, ttlMs);
    } else if (waited >= waitMs) {
      throw new LeaseHeldError(options.subject, {
        purpose: existing.purpose,
        since: existing.acquiredAt,
        expiresAt: existing.expiresAt,
      });
    }
    if (attempt >= MAX_ATTEMPTS && free) {
      throw new SiteError(
        'store',
        `${options.subject}: could not take the lease at ${store.locate(key)} after ${attempt} attempts; other writers kept changing it.`,
      );
    }
    const pause = free ? 10 + Math.floor(Math.random() * 40) : 250 + Math.floor(Math.random() * 250);
    if (!free) waited += pause;
    await sleep(pause);
  }
}

class HeldLease implements Lease {
  private lost: LeaseLostError | undefined;
  private handedOver = false;
  private renewing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: LeaseOptions,
    private document: LeaseDocument,
    private etag: string,
    private readonly ttlMs: number,
  ) {
    // Renewed three times a lease: one slow store call does not let it lapse.
    this.timer = setInterval(() => {
      this.renewing = this.renewing.then(() => this.renew()).catch(() => undefined);
    }, ttlMs / 3);
    this.timer.unref();
  }

  get holder(): string {
    return this.document.holder;
  }

  handOver(): void {
    this.handedOver = true;
  }

  async confirm(): Promise<void> {
    // In line with the timer's renewals: two renewals from one tag at once would see each
    // other as a takeover.
    this.renewing = this.renewing.then(() => this.renew());
    await this.renewing;
    if (this.lost) throw this.lost;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (this.lost || this.handedOver) return;
    // Only if still ours: a lease taken over after it lapsed belongs to its new holder.
    await writeLease(this.options, { ...this.document, released: true }, { ifMatch: this.etag }).catch(
      () => undefined,
    );
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    const now = this.options.clock.now();
    if (Date.parse(this.document.expiresAt) <= now.getTime()) {
      this.lost = new LeaseLostError(
        this.options.subject,
        `${this.options.purpose}'s lease lapsed before it was renewed`,
      );
      return;
    }
    const next = { ...this.document, expiresAt: new Date(now.getTime() + this.ttlMs).toISOString() };
    const etag = await writeLease(this.options, next, { ifMatch: this.etag });
    if (etag === undefined) {
      this.lost = new LeaseLostError(
        this.options.subject,
        `${this.options.purpose}'s lease was taken over by another writer`,
      );
      return;
    }
    this.document = next;
    this.etag = etag;
  }
}

function leaseDocument(holder: string, purpose: string, now: Date, ttlMs: number): LeaseDocument {
  return {
    holder,
    purpose,
    acquiredAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    released: false,
  };
}

/** An unreadable lease object guards nothing: it is replaced like an expired one. */
function parseLease(object: TaggedObject): LeaseDocument | undefined {
  try {
    const parsed = leaseSchema.safeParse(JSON.parse(object.body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function writeLease(
  options: LeaseOptions,
  document: LeaseDocument,
  condition: WriteCondition,
): Promise<string | undefined> {
  return storeCall(options, () =>
    options.store.putIf(options.key, `${JSON.stringify(document, null, 2)}\n`, condition, {
      contentType: 'application/json',
    }),
  );
}

async function storeCall<T>(options: LeaseOptions, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw new SiteError('store', `site ${options.site}: ${describeCause(cause)}`, { cause });
  }
}
