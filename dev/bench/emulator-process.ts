/**
 * The emulator in its own process for benchmarks, so that it shares neither the event loop
 * nor the memory of the export being measured. Options arrive as JSON in argv[2]; the
 * address goes back over the IPC channel.
 */
import { startPeriscopeV1Emulator } from '../emulators/periscope-v1/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}');
const emulator = await startPeriscopeV1Emulator(options);
process.send?.({ url: emulator.url, site: emulator.site, apiKey: emulator.apiKey });
// The benchmark asks how many requests the export sent: counted here, where they arrive.
process.on('message', (message) => {
  if (message === 'requests') process.send?.({ requests: emulator.requests.length });
});
process.on('disconnect', () => {
  void emulator.close().then(() => process.exit(0));
});
