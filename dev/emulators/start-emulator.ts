/**
 * Any provider's emulator behind one shape, for the benchmark and the standalone runner: start it
 * with a number of users and groups and some latency, get its URL, the credentials JSON it
 * accepts, and how many requests of each kind it answered.
 */
import type { ProviderId } from '../../functions/providers/port.ts';
import { startLumAppsEmulator } from './lumapps/index.ts';
import { startPeriscopeV1Emulator } from './periscope-v1/index.ts';
import { startPeriscopeV2Emulator } from './periscope-v2/index.ts';
import type { RouteKind } from './shared/faults.ts';
import { startTrivoreEmulator } from './trivore/index.ts';

export interface EmulatorStartOptions {
  readonly users: number;
  readonly groups: number;
  readonly seed: number;
  readonly latencyMs: number;
  /** Default 0: any free port. */
  readonly port?: number;
}

export interface RunningEmulator {
  readonly url: string;
  /** The credentials JSON the emulator accepts, in the provider's shape. */
  readonly credentials: unknown;
  requestsByKind(): Partial<Record<RouteKind, number>>;
  close(): Promise<void>;
}

type Starter = (options: EmulatorStartOptions) => Promise<RunningEmulator>;

const starters: { readonly [Id in ProviderId]?: Starter } = {
  'periscope-v1': async ({ users, groups, seed, latencyMs, port = 0 }) => {
    const site = await startPeriscopeV1Emulator({ users, groups, seed, port, faults: { latencyMs } });
    return {
      url: site.url,
      credentials: { site: site.site, apiKey: site.apiKey },
      requestsByKind: () => countKinds(site.requests),
      close: () => site.close(),
    };
  },
  'periscope-v2': async ({ users, groups, seed, latencyMs, port = 0 }) => {
    const site = await startPeriscopeV2Emulator({ users, roles: groups, seed, port, faults: { latencyMs } });
    return {
      url: site.url,
      credentials: site.credentials,
      requestsByKind: () => countKinds(site.requests),
      close: () => site.close(),
    };
  },
  lumapps: async ({ users, groups, seed, latencyMs, port = 0 }) => {
    const site = await startLumAppsEmulator({ users, feeds: groups, seed, port, faults: { latencyMs } });
    return {
      url: site.url,
      credentials: site.credentials,
      requestsByKind: () => countKinds(site.requests),
      close: () => site.close(),
    };
  },
  trivore: async ({ users, groups, seed, latencyMs, port = 0 }) => {
    const site = await startTrivoreEmulator({ users, groups, seed, port, faults: { latencyMs } });
    return {
      url: site.url,
      credentials: site.credentials,
      requestsByKind: () => site.requestsByKind(),
      close: () => site.close(),
    };
  },
};

export const emulatedProviders = Object.keys(starters) as ProviderId[];

export function startEmulator(provider: ProviderId, options: EmulatorStartOptions): Promise<RunningEmulator> {
  const start = starters[provider];
  if (!start) throw new Error(`no emulator for provider ${provider}`);
  return start(options);
}

function countKinds(requests: readonly { readonly kind: RouteKind }[]): Partial<Record<RouteKind, number>> {
  const counts: Partial<Record<RouteKind, number>> = {};
  for (const { kind } of requests) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
