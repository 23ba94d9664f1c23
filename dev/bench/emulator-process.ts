/**
 * A provider's emulator in its own process for benchmarks, so that it shares neither the event
 * loop nor the memory of the export being measured. Options arrive as JSON in argv[2]; the address
 * and credentials go back over the IPC channel, and so do the request counts when asked.
 */
import { startEmulator } from '../emulators/start-emulator.ts';

const { provider, ...options } = JSON.parse(process.argv[2] ?? '{}');
const emulator = await startEmulator(provider, options);
process.send?.({ url: emulator.url, credentials: emulator.credentials });
process.on('message', (message) => {
  if (message === 'requests') process.send?.({ requests: emulator.requestsByKind() });
});
process.on('disconnect', () => {
  void emulator.close().then(() => process.exit(0));
});
