/**
 * The audit measured by `npm run bench:audit`, alone in its own process so its peak RSS is the
 * audit's, not the data generator's. Config and store arrive as JSON in argv[2]; the figures go
 * back over the IPC channel.
 */
import { registryProviderFacts } from '../../cli/provider-facts.ts';
import { auditSite } from '../../functions/audit/audit-site.ts';
import { parseConfig } from '../../functions/config/load-config.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { createStore } from '../../functions/store/create-store.ts';

const { config, cwd } = JSON.parse(process.argv[2] ?? '{}');
const parsed = parseConfig(config, 'bench config');
const site = parsed.sites[0];
if (!site) throw new Error('the bench config has no site');
const store = createStore(parsed.store, {
  cwd,
  s3Client: () => {
    throw new Error('no S3 in this benchmark');
  },
});
const started = performance.now();
const result = await auditSite(
  site,
  {},
  { store, toolVersion: TOOL_VERSION, providerFacts: registryProviderFacts },
);
const seconds = (performance.now() - started) / 1000;
process.send?.({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, result });
