/**
 * The evidence workbook measured by `npm run bench:audit`, in its own process after the audit, as
 * on AWS where it is a function of its own: its peak RSS is the workbook's alone. Config and store
 * arrive as JSON in argv[2]; the figures go back over the IPC channel.
 */
import { writeEvidence } from '../../functions/evidence/write-evidence.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { TOOL_VERSION } from '../../functions/shared/tool-version.ts';
import { readBenchProcessInput } from './bench-process-input.ts';

const { site, store, runId } = readBenchProcessInput(process.argv[2]);
if (runId === undefined) throw new Error('the evidence benchmark needs the run to write the workbook of');
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
