/**
 * Runs the Periscope v1 emulator until Ctrl-C:
 *   npm run emulator:periscope-v1 -- --users 5000 --groups 40 --seed 1 --port 8080 --latency 10
 * It serves a demo key for local development only, so printing it is fine.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_GROUPS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_REFERENCE_DATE,
  DEFAULT_SEED,
  DEFAULT_USERS,
  startPeriscopeV1Emulator,
} from './index.ts';

const USAGE = `Usage: npm run emulator:periscope-v1 -- [options]

  --users N            generated users (default ${DEFAULT_USERS})
  --groups N           generated groups, including "All Users" and "Administrators" (default ${DEFAULT_GROUPS})
  --seed N             data seed (default ${DEFAULT_SEED})
  --port N             port to listen on (default 0: any free port)
  --host HOST          address to bind (default 127.0.0.1)
  --latency MS         delay added before every response (default 0)
  --site NAME          site name expected in HTTP-X-PARTNER-AUTH (default rollcall-demo)
  --key KEY            API key (default: a fixed demo key)
  --page-size N        records per listing page (default ${DEFAULT_PAGE_SIZE})
  --reference-date ISO generated timestamps lie before this (default ${DEFAULT_REFERENCE_DATE})
  --api-disabled       answer 404 on every route, as a site without the API add-on
  -h, --help           show this help`;

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new RangeError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' },
      groups: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      latency: { type: 'string' },
      site: { type: 'string' },
      key: { type: 'string' },
      'page-size': { type: 'string' },
      'reference-date': { type: 'string' },
      'api-disabled': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const latency = integer('latency', values.latency, 0);
  const users = integer('users', values.users, 0) ?? DEFAULT_USERS;
  const groups = integer('groups', values.groups, 0) ?? DEFAULT_GROUPS;
  const seed = integer('seed', values.seed, 0) ?? DEFAULT_SEED;
  const started = performance.now();
  const emulator = await startPeriscopeV1Emulator({
    users,
    groups,
    seed,
    ...(values.port !== undefined && { port: integer('port', values.port, 0) }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values.site !== undefined && { site: values.site }),
    ...(values.key !== undefined && { apiKey: values.key }),
    ...(values['page-size'] !== undefined && { pageSize: integer('page-size', values['page-size'], 1) }),
    ...(values['reference-date'] !== undefined && { referenceDate: values['reference-date'] }),
    ...(values['api-disabled'] && { apiEnabled: false }),
    ...(latency !== undefined && { faults: { latencyMs: latency } }),
  });
  const auth = `HTTP-X-PARTNER-AUTH: ${emulator.site}:${emulator.apiKey}`;
  console.log(`Periscope v1 emulator for rollcall, listening on ${emulator.url}`);
  console.log(`  base URL  ${emulator.url}  (routes under /api/v1)`);
  console.log(`  site      ${emulator.site}`);
  console.log(`  header    ${auth}`);
  console.log(
    `  data      ${emulator.state.userCount} users, ${emulator.state.groupCount} groups, seed ${seed}` +
      ` (generated in ${Math.round(performance.now() - started)} ms)`,
  );
  if (latency) console.log(`  latency   ${latency} ms per response`);
  if (values['api-disabled']) console.log('  API       disabled: every route answers 404');
  console.log(`  try       curl -H '${auth}' ${emulator.url}/api/v1/users`);
  console.log('Ctrl-C to stop.');

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: closing the emulator`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Run with --help for usage.');
  process.exitCode = 2;
});
