import cliProgress from 'cli-progress';
import type { ExportObserver } from '../functions/providers/port.ts';
import type { CliIo } from './io.ts';

/** A progress bar per site on a terminal; nothing when output is piped or `--json` is set. */
export function progressReporter(
  io: CliIo,
  enabled: boolean,
): ((siteId: string) => ExportObserver | undefined) | undefined {
  if (!enabled || !io.stdout.isTTY || !io.stderr.isTTY) return undefined;
  return (siteId) => {
    const bar = new cliProgress.SingleBar(
      {
        format: `${siteId} users |{bar}| {value}/{total}`,
        stream: process.stderr,
        clearOnComplete: true,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      // Groups are listed alongside users and are few; the users listing is the long one.
      page(listing, records, total) {
        if (listing !== 'users') return;
        if (!started) {
          bar.start(total ?? records, records);
          started = true;
        }
        bar.setTotal(Math.max(total ?? records, records));
        bar.update(records);
      },
      finish() {
        if (started) bar.stop();
      },
    };
  };
}
