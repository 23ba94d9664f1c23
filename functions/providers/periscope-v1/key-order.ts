import type { CanonicalUser } from '../../shared/model.ts';
import { compareKeys } from '../../shared/model.ts';

/**
 * Verifies, as the users stream, that they arrive in key order, which v1 promises (its cursor is
 * the lower-cased e-mail). A record out of order is still handled (the sink sorts every record
 * into place) but never silently: it is counted, and the listing says so.
 */
export class KeyOrderCheck {
  private highest: string | undefined;
  private outOfOrder = 0;
  private first: { readonly key: string; readonly after: string } | undefined;

  observe(batch: readonly CanonicalUser[]): void {
    for (const { key } of batch) {
      if (this.highest !== undefined && compareKeys(key, this.highest) < 0) {
        this.outOfOrder += 1;
        this.first ??= { key, after: this.highest };
      } else this.highest = key;
    }
  }

  warning(): string | undefined {
    if (this.first === undefined) return undefined;
    return (
      `${this.outOfOrder.toLocaleString('en-US')} user record(s) arrived out of key order ` +
      `(first: "${this.first.key}" after "${this.first.after}"), although the API pages in e-mail order; ` +
      'they were sorted into place before writing.'
    );
  }
}
