/**
 * What `npm run bench:audit` hands the processes it measures, as JSON in argv[2]: the bench's
 * config, read into its one site and a file store with no S3 behind it.
 */

import { parseConfig } from '../../functions/config/load-config.ts';
import type { SiteConfig } from '../../functions/config/schema.ts';
import { createStore } from '../../functions/store/create-store.ts';
import type { ObjectStore } from '../../functions/store/port.ts';

export interface BenchProcessInput {
  readonly site: SiteConfig;
  readonly store: ObjectStore;
  /** The run to work on, when the parent names one. */
  readonly runId: string | undefined;
}

export function readBenchProcessInput(argument: string | undefined): BenchProcessInput {
  const { config, cwd, runId } = JSON.parse(argument ?? '{}');
  const parsed = parseConfig(config, 'bench config');
  const site = parsed.sites[0];
  if (!site) throw new Error('the bench config has no site');
  const store = createStore(parsed.store, {
    cwd,
    s3Client: () => {
      throw new Error('no S3 in this benchmark');
    },
  });
  return { site, store, runId };
}
