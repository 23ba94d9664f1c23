/**
 * The evidence workbook measured by `npm run bench:audit`, in its own process after the audit, as
 * on AWS where it is a function of its own: its peak RSS is the workbook's alone. Config and store
 * arrive as JSON in argv[2]; the figures go back over the IPC channel.
 */
import { parseConfig } from '../../functions/config/load-config.ts';
import { writeEvidence } from '../../functions/evidence/write-evidence.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { createStore } from '../../functions/store/create-store.ts';

const { config, cwd, runId } = JSON.parse(process.argv[2] ?? '{}');
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
const location = await writeEvidence({
  store,
  site: site.id,
  runId,
  settings: site.audit,
  toolVersion: TOOL_VERSION,
  clock: systemClock,
});
const seconds = (performance.now() - started) / 1000;
process.send?.({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, location });
