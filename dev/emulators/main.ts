/**
 * Runs any provider's emulator until Ctrl-C, and prints the base URL and the credentials JSON to
 * put in a site's config:
 *   npm run emulator -- --provider lumapps --users 500 --groups 20 --port 8081
 * The credentials are fixed demo values for local development only, so printing them is fine.
 * (`npm run emulator:periscope-v1` has the Periscope v1 emulator's own options.)
 */
import { parseArgs } from 'node:util';
import { providerIds } from '../../functions/config/schema.ts';
import type { ProviderId } from '../../functions/providers/port.ts';
import { startEmulator } from './start-emulator.ts';

const USAGE = `Usage: npm run emulator -- [options]

  --provider ID   ${providerIds.join(', ')} (default periscope-v1)
  --users N       generated users (default 250)
  --groups N      generated groups, roles or feeds (default 20)
  --seed N        data seed (default 1)
  --port N        port to listen on (default 0: any free port)
  --latency MS    delay added before every response (default 0)
  -h, --help      show this help`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`--${name} must be an integer >= 0, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      provider: { type: 'string', default: 'periscope-v1' },
      users: { type: 'string' },
      groups: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      latency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return void console.log(USAGE);
  const provider = values.provider as ProviderId;
  if (!(providerIds as readonly string[]).includes(provider))
    throw new RangeError(`--provider must be one of ${providerIds.join(', ')}, got ${provider}`);
  const emulator = await startEmulator(provider, {
    users: integer('users', values.users, 250),
    groups: integer('groups', values.groups, 20),
    seed: integer('seed', values.seed, 1),
    latencyMs: integer('latency', values.latency, 0),
    port: integer('port', values.port, 0),
  });
  console.log(`${provider} emulator for rollcall, listening on ${emulator.url}`);
  console.log(`  site config  "provider": "${provider}", "baseUrl": "${emulator.url}"`);
  console.log(`  credentials  ${JSON.stringify(emulator.credentials)}`);
  console.log('Ctrl-C to stop.');
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: closing the emulator`);
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Run with --help for usage.');
  process.exitCode = 2;
});
