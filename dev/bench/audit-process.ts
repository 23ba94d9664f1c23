/**
 * The audit measured by `npm run bench:audit`, alone in its own process so its peak RSS is the
 * audit's, not the data generator's. Config and store arrive as JSON in argv[2]; the figures go
 * back over the IPC channel.
 */
import { registryProviderFacts } from '../../cli/provider-facts.ts';
import { auditSite } from '../../functions/audit/audit-site.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { readBenchProcessInput } from './bench-process-input.ts';

const { site, store } = readBenchProcessInput(process.argv[2]);
const started = performance.now();
const result = await auditSite(
  site,
  {},
  { store, toolVersion: TOOL_VERSION, providerFacts: registryProviderFacts },
);
const seconds = (performance.now() - started) / 1000;
process.send?.({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, result });
