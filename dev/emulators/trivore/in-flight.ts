import type { RouteKind } from '../shared/faults.ts';

interface Window {
  readonly kind: RouteKind;
  readonly start: number;
  readonly end: number;
}

const LIMIT = 100_000;

/**
 * When each request was on the server: from arrival to arrival + its latency, the earliest its
 * answer can leave. A client only sends a request after deciding to, and sees its answer after it
 * leaves, so the most windows open at once never exceeds the client's requests in flight: with
 * latency switched on, it proves a parallel client's bound from the server side.
 */
export class InFlightLog {
  private windows: Window[] = [];

  record(kind: RouteKind, start: number, latencyMs: number): void {
    if (this.windows.length >= LIMIT) this.windows = this.windows.slice(LIMIT / 2);
    this.windows.push({ kind, start, end: start + latencyMs });
  }

  reset(): void {
    this.windows = [];
  }

  /** The most requests (of `kind`, or of any kind) open at the same instant. */
  peak(kind?: RouteKind): number {
    const events: [number, number][] = [];
    for (const window of this.windows) {
      if (kind !== undefined && window.kind !== kind) continue;
      if (window.end <= window.start) continue;
      events.push([window.start, 1], [window.end, -1]);
    }
    // Ends before starts at the same instant: an answer that leaves as the next request arrives
    // is not overlapping it.
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    let most = 0;
    for (const [, change] of events) {
      open += change;
      most = Math.max(most, open);
    }
    return most;
  }
}
