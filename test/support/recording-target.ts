import { readLiveSite } from '../../functions/export/read-live-site.ts';
import type { Connector } from '../../functions/providers/port.ts';
import type { ExportObserver, ExportTarget, ProviderExport } from '../../functions/shared/export-model.ts';

/** An export target that remembers the size of each batch the connector handed to the sink. */
export interface RecordingTarget extends ExportTarget {
  readonly batches: number[];
}

/**
 * A target over the real one `readLiveSite` builds, recording what the connector hands over:
 * tests prove with it that users stream page by page instead of arriving as one listing.
 */
export function recordingTarget(observer?: ExportObserver): RecordingTarget & {
  exportWith(connector: Connector): Promise<ProviderExport>;
} {
  const batches: number[] = [];
  let inner: ExportTarget | undefined;
  const target = {
    batches,
    ...(observer === undefined ? {} : { observer }),
    get scratch() {
      if (inner === undefined) throw new Error('the target is used before the export started');
      return inner.scratch;
    },
    openUsers(options?: Parameters<ExportTarget['openUsers']>[0]) {
      if (inner === undefined) throw new Error('the target is used before the export started');
      const sink = inner.openUsers(options);
      return {
        ...sink,
        add: (batch: Parameters<typeof sink.add>[0]) => {
          batches.push(batch.length);
          return sink.add(batch);
        },
        restart: () => sink.restart(),
        exclude: (keys: Iterable<string>) => sink.exclude(keys),
        close: () => sink.close(),
      };
    },
    async exportWith(connector: Connector): Promise<ProviderExport> {
      let result: ProviderExport | undefined;
      await readLiveSite({
        verify: () => connector.verify(),
        async exportAll(real) {
          inner = real;
          result = await connector.exportAll(target);
          return result;
        },
      });
      if (result === undefined) throw new Error('the export did not run');
      return result;
    },
  };
  return target;
}
